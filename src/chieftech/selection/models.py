"""Rounds, the call and applications (SPEC.md §3 steps 1–3; 第6条, 第7条, 第9条, 第10条(一)–(三)).

An application carries the person's data as submitted (a snapshot), so later edits elsewhere never change
what the committee judged; the same person across rounds is recognised by the keyed hash of the ID number.
"""

from django.conf import settings
from django.db import models

from chieftech.core.pii import EncryptedTextField, mask_id_number, mask_phone
from chieftech.policy.models import CompetitionLevel, SkillLevel


class RoundState(models.TextChoices):
    DRAFT = "draft", "草稿"
    OPEN = "open", "申报中"
    REVIEW = "review", "资格审查"
    EVALUATION = "evaluation", "专家评审"
    NOTICE = "notice", "考察公示"
    APPROVAL = "approval", "审定审批"
    PUBLISHED = "published", "已发文公布"
    CANCELLED = "cancelled", "已撤销"


class Round(models.Model):
    authority = models.ForeignKey(
        "policy.Authority", verbose_name="所属机关", on_delete=models.PROTECT, related_name="rounds"
    )
    policy = models.ForeignKey("policy.PolicyVersion", verbose_name="适用政策", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("名称", max_length=200, unique=True)
    state = models.CharField("状态", max_length=16, choices=RoundState.choices, default=RoundState.DRAFT)
    is_demo = models.BooleanField("演示批次", default=False)
    quota = models.PositiveSmallIntegerField("选拔名额（左右）")
    quota_reason = models.TextField("名额调整理由", blank=True)
    application_opens_on = models.DateField("申报开始日期")
    application_deadline = models.DateField("申报截止日期", help_text="截止日24:00（北京时间）后不再接受提交")
    review_ends_on = models.DateField("资格审查截止日期")
    evaluation_ends_on = models.DateField("评审截止日期")
    age_reference_date = models.DateField("年龄计算基准日", help_text="默认为申报截止日期")
    contact = models.CharField("联系方式", max_length=200, blank=True)
    call_text = models.TextField("申报通知正文", blank=True)
    call_published_at = models.DateTimeField("通知发布时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = "选拔批次"
        verbose_name_plural = "选拔批次"
        permissions = [
            ("manage_round", "可以管理选拔批次"),
            ("submit_application", "可以填报推荐申报"),
            ("review_application", "可以进行资格审查"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(application_deadline__gte=models.F("application_opens_on")),
                name="round_application_window",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ApplicationState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交待审"
    RETURNED = "returned", "退回补正"
    WITHDRAWN = "withdrawn", "已撤回"
    QUALIFIED = "qualified", "资格审查通过"
    NOT_QUALIFIED = "not_qualified", "资格审查未通过"
    FRAUD = "fraud", "弄虚作假取消资格"
    PROPOSED = "proposed", "建议人选"
    NOT_PROPOSED = "not_proposed", "未入选建议名单"
    REMOVED = "removed", "公示异议成立取消"
    APPROVED = "approved", "审定通过"
    NOT_APPROVED = "not_approved", "审定未通过"


# States in which the enterprise may still edit the application.
EDITABLE_STATES = (ApplicationState.DRAFT, ApplicationState.RETURNED)
# States that keep an ID number from being entered again in the same round.
BLOCKING_STATES = tuple(s for s in ApplicationState if s != ApplicationState.WITHDRAWN)


class Route(models.TextChoices):
    ENTERPRISE = "enterprise", "企业推荐"
    COMPETITION = "competition", "职业技能竞赛成绩优异者推荐"


class Education(models.TextChoices):
    JUNIOR_HIGH = "junior_high", "初中及以下"
    HIGH_SCHOOL = "high_school", "高中/中专/技校"
    COLLEGE = "college", "大专/高级技工学校"
    BACHELOR = "bachelor", "本科/技师学院"
    POSTGRADUATE = "postgraduate", "研究生"


class Application(models.Model):
    round = models.ForeignKey(
        Round, verbose_name="批次", on_delete=models.PROTECT, related_name="applications"
    )
    enterprise = models.ForeignKey(
        "accounts.Enterprise", verbose_name="推荐单位", on_delete=models.PROTECT, related_name="applications"
    )
    state = models.CharField(
        "状态", max_length=16, choices=ApplicationState.choices, default=ApplicationState.DRAFT, db_index=True
    )
    route = models.CharField("推荐方式", max_length=16, choices=Route.choices, default=Route.ENTERPRISE)
    # The person, as submitted.
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=2, blank=True)
    id_number = EncryptedTextField("身份证号码", pii_kind="id_number")
    id_hash = models.CharField(max_length=64, db_index=True, editable=False)
    # Look-up hash column -> the encrypted field it is computed from (chieftech reencrypt rewrites both).
    PII_HASHES = {"id_hash": "id_number"}
    birth_date = models.DateField("出生日期")
    phone = EncryptedTextField("手机号码", pii_kind="phone")
    education = models.CharField("文化程度", max_length=16, choices=Education.choices)
    # The work.
    occupation = models.CharField("职业（工种）", max_length=100)
    post = models.CharField("一线岗位", max_length=100)
    is_frontline = models.BooleanField("在生产一线岗位直接从事技术技能工作", default=True)
    years_in_trade = models.PositiveSmallIntegerField("从事本职业（工种）年限", default=0)
    skill_level = models.PositiveSmallIntegerField("最高技能等级", choices=SkillLevel.choices, null=True)
    # Competition route.
    competition_name = models.CharField("竞赛名称", max_length=200, blank=True)
    competition_level = models.CharField(
        "竞赛级别", max_length=16, choices=CompetitionLevel.choices, blank=True
    )
    competition_rank = models.CharField("名次/奖项", max_length=50, blank=True)
    competition_year = models.PositiveSmallIntegerField("竞赛年份", null=True, blank=True)
    apprentices_trained = models.PositiveSmallIntegerField("带徒人数", default=0)
    apprentices_summary = models.TextField("带徒成效", blank=True)
    deeds = models.TextField("事迹材料", blank=True)
    # The enterprise's own prior public notice (第10条(二) 经公示后上报).
    enterprise_notice_starts_on = models.DateField("单位内部公示开始", null=True, blank=True)
    enterprise_notice_ends_on = models.DateField("单位内部公示结束", null=True, blank=True)
    enterprise_notice_outcome = models.CharField("单位内部公示结果", max_length=200, blank=True)
    enterprise_opinion = models.TextField("推荐单位意见", blank=True)
    # Derived at submission, with the policy version applied.
    age_on_reference_date = models.PositiveSmallIntegerField("基准日周岁年龄", null=True, blank=True)
    correction_round = models.PositiveSmallIntegerField("补正次数", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    decided_at = models.DateTimeField("审查时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "推荐申报"
        verbose_name_plural = "推荐申报"
        constraints = [
            # One application per person per round; a withdrawn one does not count.
            models.UniqueConstraint(
                fields=["round", "id_hash"],
                condition=~models.Q(state="withdrawn"),
                name="one_application_per_person_per_round",
            ),
        ]
        indexes = [
            models.Index(fields=["round", "state"]),
            models.Index(fields=["round", "enterprise"]),
            # The officer's review queue filters and sorts a round's rows on these columns; holding them
            # all in one index lets the queue sort thousands of rows without reading the rows themselves
            # (whose long deeds text would otherwise be read too).
            models.Index(
                fields=[
                    "round",
                    "state",
                    "submitted_at",
                    "name",
                    "age_on_reference_date",
                    "enterprise",
                    "skill_level",
                    "is_frontline",
                    "route",
                    "competition_level",
                ],
                name="application_review_queue_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.round}）"

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class SkillCertificate(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="certificates")
    level = models.PositiveSmallIntegerField("等级", choices=SkillLevel.choices)
    occupation = models.CharField("职业（工种）", max_length=100)
    number = models.CharField("证书编号", max_length=100)
    issuer = models.CharField("发证机构", max_length=200)
    issued_on = models.DateField("发证日期")

    class Meta:
        ordering = ["-level", "issued_on"]
        verbose_name = "职业资格/技能等级证书"

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.number}"


class CompetitionResult(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="competitions")
    name = models.CharField("竞赛名称", max_length=200)
    level = models.CharField("级别", max_length=16, choices=CompetitionLevel.choices)
    rank = models.CharField("名次/奖项", max_length=50)
    year = models.PositiveSmallIntegerField("年份")

    class Meta:
        ordering = ["-year"]
        verbose_name = "竞赛成绩"

    def __str__(self) -> str:
        return f"{self.year} {self.name} {self.rank}"


class Achievement(models.Model):
    class Kind(models.TextChoices):
        INNOVATION = "innovation", "技术创新革新成果"
        PATENT = "patent", "专利"
        STANDARD = "standard", "国家级标准工艺/工作方法"
        METHOD = "method", "先进操作法"
        AWARD = "award", "获奖情况"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="achievements")
    kind = models.CharField("类别", max_length=16, choices=Kind.choices)
    title = models.CharField("名称", max_length=200)
    number = models.CharField("编号/文号", max_length=100, blank=True)
    achieved_on = models.DateField("取得日期", null=True, blank=True)
    description = models.TextField("说明（效益等）", blank=True)

    class Meta:
        ordering = ["kind", "-achieved_on"]
        verbose_name = "技术成果"

    def __str__(self) -> str:
        return self.title


class EvidenceFile(models.Model):
    """Uploaded evidence: stored under a random name outside the web root, served only through checked views."""

    class Kind(models.TextChoices):
        CERTIFICATE = "certificate", "职业资格/技能等级证书"
        ACHIEVEMENT = "achievement", "技术成果证明"
        AWARD = "award", "获奖证明"
        NOTICE = "notice", "单位内部公示材料"
        OTHER = "other", "其他"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField("类别", max_length=16, choices=Kind.choices)
    original_name = models.CharField("文件名", max_length=200)
    file = models.FileField(upload_to="evidence/%Y/%m/")
    size = models.PositiveIntegerField("大小（字节）")
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = "证明材料"

    def __str__(self) -> str:
        return self.original_name


class ConditionVerdict(models.TextChoices):
    PASS = "pass", "符合"
    FAIL = "fail", "不符合"
    JUDGE = "judge", "需研判"


class ReviewDecision(models.Model):
    """One decision of the qualification review (第10条(三)), kept for every round of correction."""

    class Outcome(models.TextChoices):
        QUALIFIED = "qualified", "资格审查通过"
        NOT_QUALIFIED = "not_qualified", "资格审查未通过"
        RETURNED = "returned", "退回补正"
        FRAUD = "fraud", "弄虚作假"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="decisions")
    policy = models.ForeignKey("policy.PolicyVersion", on_delete=models.PROTECT, related_name="+")
    correction_round = models.PositiveSmallIntegerField("补正轮次")
    outcome = models.CharField("结论", max_length=16, choices=Outcome.choices)
    reason = models.TextField("理由/意见", blank=True)
    # Per condition: {"code": {"auto": "pass|fail|judge", "auto_reason": "...", "officer": "...", "note": "..."}}
    checklist = models.JSONField("逐项审查", default=dict)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("审查时间")

    class Meta:
        ordering = ["decided_at"]
        verbose_name = "资格审查结论"

    def __str__(self) -> str:
        return f"{self.application} {self.get_outcome_display()}"
