"""The management period (SPEC.md §4; 第8条, 第11条–第17条): term, subsidy, re-review, duties, revocation."""

from django.conf import settings
from django.db import models

from chieftech.core.pii import EncryptedTextField


class TenureStatus(models.TextChoices):
    ACTIVE = "active", "有效"
    SUSPENDED = "suspended", "保留资格、停止待遇"
    NOT_RENEWED = "not_renewed", "复核未通过"
    EXPIRED = "expired", "管理期满"
    REVOKED = "revoked", "已取消资格"


class Tenure(models.Model):
    """A chief technician's term: the district's honorary title, distinct from any skill grade."""

    application = models.OneToOneField(
        "selection.Application", on_delete=models.PROTECT, related_name="tenure"
    )
    authority = models.ForeignKey(
        "policy.Authority", verbose_name="所属机关", on_delete=models.PROTECT, related_name="tenures"
    )
    policy = models.ForeignKey("policy.PolicyVersion", on_delete=models.PROTECT, related_name="+")
    enterprise = models.ForeignKey(
        "accounts.Enterprise", verbose_name="现工作单位", on_delete=models.PROTECT, related_name="tenures"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="本人账号", on_delete=models.SET_NULL, null=True, blank=True
    )
    starts_on = models.DateField("管理期起始")
    ends_on = models.DateField("管理期结束")
    status = models.CharField(
        "状态", max_length=16, choices=TenureStatus.choices, default=TenureStatus.ACTIVE
    )
    status_since = models.DateField("状态生效日期")
    showcase_consent = models.BooleanField("同意在门户展示", default=False)
    showcase_consent_at = models.DateTimeField("同意时间", null=True, blank=True)
    photo = models.ImageField("照片", upload_to="showcase/", blank=True)
    showcase_summary = models.TextField("事迹简介（公开）", blank=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = "首席技师（管理期）"
        verbose_name_plural = "首席技师（管理期）"
        permissions = [
            ("manage_tenure", "可以管理首席技师"),
            ("propose_revocation", "可以初步认定取消资格"),
            ("report_status_change", "可以报告人员变动"),
            ("submit_review_material", "可以报送复核材料"),
            ("decide_revocation", "可以审定取消资格"),
            ("approve_revocation", "可以批准取消资格"),
            ("log_activity", "可以登记履职活动"),
        ]

    def __str__(self) -> str:
        return f"{self.application.name}（{self.starts_on:%Y}）"


class BankAccountState(models.TextChoices):
    REQUESTED = "requested", "待确认"
    CONFIRMED = "confirmed", "已确认"
    RETURNED = "returned", "已退回"
    SUPERSEDED = "superseded", "已被替换"


class BankAccount(models.Model):
    """The account the subsidy is paid into, kept by the holder and confirmed by the officer.

    A tenure's accounts form its history: at most one request open and one account confirmed (in use) at a
    time; a confirmed account is used from `applies_from` until a later one's `applies_from`
    (tenure.domain.bank_accounts.bank_account_for_month).
    """

    tenure = models.ForeignKey(Tenure, on_delete=models.PROTECT, related_name="bank_accounts")
    bank = models.CharField("开户银行", max_length=100)
    branch = models.CharField("开户网点（支行）", max_length=100, blank=True)
    number = EncryptedTextField("银行账号", pii_kind="bank_account")
    account_name = models.CharField("户名", max_length=50)
    state = models.CharField(
        "状态", max_length=16, choices=BankAccountState.choices, default=BankAccountState.REQUESTED
    )
    applies_from = models.DateField("起用月份", null=True, blank=True, help_text="当月1日，确认时确定")
    return_reason = models.TextField("退回理由", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = "补贴发放银行账户"
        verbose_name_plural = "补贴发放银行账户"
        constraints = [
            models.UniqueConstraint(
                fields=["tenure"],
                condition=models.Q(state="requested"),
                name="one_open_bank_account_request",
            ),
            models.UniqueConstraint(
                fields=["tenure"], condition=models.Q(state="confirmed"), name="one_bank_account_in_use"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tenure} {self.bank}"


class TenureEmployment(models.Model):
    """Where the holder worked during the term: one span per enterprise, the last one open.

    An enterprise's users see the term while a span of theirs is open, and its history only up to the end of
    their last span once the holder moved to another enterprise of the district (tenure.selectors)."""

    tenure = models.ForeignKey(Tenure, on_delete=models.CASCADE, related_name="employments")
    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        verbose_name="工作单位",
        on_delete=models.PROTECT,
        related_name="tenure_employments",
    )
    starts_on = models.DateField("起始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = "管理期内工作单位"
        constraints = [
            models.UniqueConstraint(
                fields=["tenure"], condition=models.Q(ends_on__isnull=True), name="one_open_employment"
            )
        ]

    def __str__(self) -> str:
        return f"{self.tenure} {self.enterprise}"


class StatusChangeKind(models.TextChoices):
    LEFT_SKILL_POST = "left_skill_post", "不再从事技能或技术岗位工作"
    TRANSFER_IN_DISTRICT = "transfer_in_district", "调入区内其他单位"
    TRANSFER_OUT = "transfer_out", "调往区外单位"
    RETIRED = "retired", "退休"
    DECEASED = "deceased", "去世"
    RESUMED = "resumed", "恢复技能岗位工作"
    OTHER = "other", "其他"


class StatusChangeState(models.TextChoices):
    REPORTED = "reported", "待确认"
    CONFIRMED = "confirmed", "已确认"
    RETURNED = "returned", "已退回"
    WITHDRAWN = "withdrawn", "已撤回"


class StatusChange(models.Model):
    """第16条(一): a change in the holder's work, reported by the enterprise or the holder, confirmed or returned
    by the officer. Only a confirmed change moves the term (tenure.domain.status_changes)."""

    Kind = StatusChangeKind
    State = StatusChangeState

    class ReportedAs(models.TextChoices):
        ENTERPRISE = "enterprise", "工作单位"
        HOLDER = "holder", "首席技师本人"

    class Outcome(models.TextChoices):
        SUSPENDED = "suspended", "停止待遇（保留资格）"
        ACTIVE = "active", "不影响待遇"

    tenure = models.ForeignKey(Tenure, on_delete=models.PROTECT, related_name="status_changes")
    kind = models.CharField("变动类型", max_length=24, choices=StatusChangeKind.choices)
    state = models.CharField(
        "状态", max_length=16, choices=StatusChangeState.choices, default=StatusChangeState.REPORTED
    )
    effective_on = models.DateField("生效日期")
    reason = models.TextField("说明")
    new_enterprise = models.ForeignKey(
        "accounts.Enterprise",
        verbose_name="调入单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    new_employer = models.CharField("区外新单位", max_length=200, blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reported_as = models.CharField("报告人身份", max_length=16, choices=ReportedAs.choices)
    # The enterprise that reported (its span then was the current one); empty for the holder's own report.
    reporting_enterprise = models.ForeignKey(
        "accounts.Enterprise", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reported_at = models.DateTimeField("报告时间")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField("确认或退回时间", null=True, blank=True)
    return_reason = models.TextField("退回理由", blank=True)
    # For "other": what the officer decided at confirmation, and why.
    outcome = models.CharField("对待遇的影响", max_length=16, choices=Outcome.choices, blank=True)
    outcome_reason = models.TextField("认定理由", blank=True)

    class Meta:
        ordering = ["effective_on", "pk"]
        verbose_name = "人员变动"
        constraints = [
            models.UniqueConstraint(
                fields=["tenure"],
                condition=models.Q(state="reported"),
                name="one_open_status_change",
            )
        ]

    def __str__(self) -> str:
        return f"{self.tenure} {self.get_kind_display()}"


class StatusChangeEvidence(models.Model):
    """A proof of the change (a letter, a contract, a retirement approval): PDF, JPG or PNG."""

    change = models.ForeignKey(StatusChange, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to="status_changes/%Y/")
    original_name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = "人员变动证明材料"

    def __str__(self) -> str:
        return self.original_name


class TenureStatusEvent(models.Model):
    """The confirmed history of a term's status: one row per change, written by `tenures_transition`, so the
    subsidy can tell what applied in any month (a status stops or restarts the benefits from the month after
    its effective date, 第12条). The term's start (active) is implied by `Tenure.starts_on`."""

    tenure = models.ForeignKey(Tenure, on_delete=models.CASCADE, related_name="status_events")
    from_status = models.CharField("原状态", max_length=16, choices=TenureStatus.choices)
    status = models.CharField("新状态", max_length=16, choices=TenureStatus.choices)
    effective_on = models.DateField("生效日期")
    recorded_at = models.DateTimeField("确认时间")
    reason = models.TextField("理由", blank=True)
    # A revocation annulled after reconsideration (第十七条, chieftech.revocation) is void from the start: the
    # subsidy and the re-review read the history without it, and the page shows it struck through.
    annulled_at = models.DateTimeField("撤销时间", null=True, blank=True)
    annulled_reason = models.TextField("撤销依据", blank=True)

    class Meta:
        ordering = ["effective_on", "recorded_at", "pk"]
        verbose_name = "管理期状态变更"

    def __str__(self) -> str:
        return f"{self.tenure_id} {self.status} {self.effective_on}"


class AnnualReview(models.Model):
    """复核认定 of one holder for one year of the term (第8条, 第11条): the material, the checks, the decision.
    Months after the year are paid only once it passed (第12条, chieftech.subsidy). Its state changes only
    through chieftech.review.domain.transitions."""

    class State(models.TextChoices):
        PENDING = "pending", "待报送材料"
        SUBMITTED = "submitted", "已报送待审"
        RETURNED = "returned", "退回补正"
        PASSED = "passed", "复核通过"
        FAILED = "failed", "复核未通过"

    class SubmittedAs(models.TextChoices):
        HOLDER = "holder", "首席技师本人"
        ENTERPRISE = "enterprise", "用人单位"

    tenure = models.ForeignKey(Tenure, on_delete=models.PROTECT, related_name="reviews")
    review_year = models.PositiveSmallIntegerField("管理期第几年")
    campaign = models.ForeignKey(
        "review.ReviewCampaign", null=True, blank=True, on_delete=models.PROTECT, related_name="reviews"
    )
    policy = models.ForeignKey(
        "policy.PolicyVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField("复核期间起", null=True, blank=True)
    period_end = models.DateField("复核期间止", null=True, blank=True)
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.PENDING)
    deadline = models.DateField("报送截止日期", null=True, blank=True, help_text="退回补正时为补正截止日期")
    # 复核申请表 (第11条(一)).
    post = models.CharField("现岗位", max_length=100, blank=True)
    performance = models.TextField("履行首席技师职责情况", blank=True)
    achievements = models.TextField("主要技术成果、奖励情况", blank=True)
    mentoring_summary = models.TextField("技能培训和名师带徒情况", blank=True)
    enterprise_opinion = models.TextField("用人单位意见", blank=True)
    # 第8条(二)(三): the holder's declaration; the officer checks it.
    declared_no_accident = models.BooleanField("本人声明：无直接责任的生产安全、技术责任事故", null=True)
    declared_no_violation = models.BooleanField("本人声明：无违法违纪行为", null=True)
    declaration_note = models.TextField("声明说明", blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_as = models.CharField("报送人身份", max_length=16, choices=SubmittedAs.choices, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # 第8条(一)–(五) as decided: {"1": {"auto": "pass|fail|judge", "auto_reason": "...",
    #  "verdict": "pass|fail", "note": "..."}, ...}; the automatic part is a snapshot taken at the decision.
    checks = models.JSONField("复核条件", default=dict)
    reason = models.TextField("结论理由", blank=True)
    return_reason = models.TextField("退回补正理由", blank=True)
    returned_count = models.PositiveSmallIntegerField("退回次数", default=0)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "年度复核"
        constraints = [models.UniqueConstraint(fields=["tenure", "review_year"], name="one_review_per_year")]

    def __str__(self) -> str:
        return f"{self.tenure} 第{self.review_year}年复核"


class TermEndReminder(models.Model):
    """A reminder before the end of a term (第十六条(二)), once per term and threshold: sent, or skipped
    because a later one was due when the job ran."""

    class Outcome(models.TextChoices):
        SENT = "sent", "已发送"
        SUPERSEDED = "superseded", "已被后一提醒取代"

    tenure = models.ForeignKey(Tenure, on_delete=models.CASCADE, related_name="term_end_reminders")
    days_before = models.PositiveSmallIntegerField("届满前天数")
    outcome = models.CharField("结果", max_length=16, choices=Outcome.choices)
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        ordering = ["-days_before"]
        verbose_name = "管理期届满提醒"
        constraints = [
            models.UniqueConstraint(fields=["tenure", "days_before"], name="one_term_end_reminder")
        ]

    def __str__(self) -> str:
        return f"{self.tenure} 届满前{self.days_before}天"
