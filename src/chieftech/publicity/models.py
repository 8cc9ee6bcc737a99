"""The public notice with objections, the approvals and the publication (SPEC.md §3 steps 5–6)."""

from django.conf import settings
from django.db import models

from chieftech.core.pii import EncryptedTextField


class Notice(models.Model):
    """考察公示: 5 working days by the policy, counted by chieftech.policy.calendar.

    A round has one notice per pass through the notice stage: when the leadership rejects the list, the
    committee confirms a new one and a new notice runs; the earlier ones stay, closed, as the record. At
    most one notice of a round is not yet closed.
    """

    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "公示中/已公示"
        CLOSED = "closed", "已结束"

    round = models.ForeignKey("selection.Round", on_delete=models.PROTECT, related_name="notices")
    policy = models.ForeignKey("policy.PolicyVersion", on_delete=models.PROTECT, related_name="+")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    starts_on = models.DateField("公示开始日期")
    ends_on = models.DateField("公示结束日期", help_text="该日24:00（北京时间）结束")
    working_days = models.PositiveSmallIntegerField("公示工作日数")
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.DRAFT)
    issued_by = models.CharField("发布单位", max_length=200)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = "考察公示"
        permissions = [
            ("manage_notice", "可以发布公示"),
            ("handle_objection", "可以处理异议"),
            ("decide_leadership", "可以审定建议名单"),
            ("record_government_approval", "可以登记区政府批准"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["round"],
                condition=~models.Q(state="closed"),
                name="notice_one_open_per_round",
                violation_error_message="本批次已有未结束的考察公示。",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class NoticeEntry(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="entries")
    application = models.ForeignKey("selection.Application", on_delete=models.PROTECT, related_name="+")
    order = models.PositiveSmallIntegerField(default=0)
    removed = models.BooleanField("已取消", default=False)
    removal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["order"]
        verbose_name = "公示人选"

    def __str__(self) -> str:
        return str(self.application)


class Objection(models.Model):
    """实名异议 filed by the public during the notice window."""

    class State(models.TextChoices):
        RECEIVED = "received", "已受理"
        INVESTIGATING = "investigating", "调查核实中"
        UPHELD = "upheld", "异议成立"
        NOT_UPHELD = "not_upheld", "异议不成立"

    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="objections")
    entry = models.ForeignKey(NoticeEntry, verbose_name="被异议人选", on_delete=models.PROTECT)
    name = models.CharField("姓名", max_length=50)
    phone = EncryptedTextField("联系电话", pii_kind="phone")
    email = models.EmailField("电子邮箱", blank=True)
    content = models.TextField("异议内容")
    receipt_code = models.CharField("回执码", max_length=32, unique=True)
    submitted_at = models.DateTimeField("提交时间")
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.RECEIVED)
    investigation_notes = models.TextField("调查核实情况", blank=True)
    finding_reason = models.TextField("处理结论理由", blank=True)
    public_reply = models.TextField("答复意见（凭回执码可查）", blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        ordering = ["submitted_at"]
        verbose_name = "异议"

    def __str__(self) -> str:
        return self.receipt_code


class ObjectionEvidence(models.Model):
    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="evidence")
    original_name = models.CharField(max_length=200)
    file = models.FileField(upload_to="objections/%Y/%m/")
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "异议证明材料"

    def __str__(self) -> str:
        return self.original_name


class LeadershipDecision(models.Model):
    """The leadership body's 审定 (e.g. the district party committee's talent work group).

    A rejection sends the list back to the committee: it is recorded as superseded at once, since the list it
    judged no longer stands, and the next list gets a decision of its own. A round has at most one decision
    that is not superseded: the one the government's approval rests on.
    """

    class Outcome(models.TextChoices):
        APPROVE = "approve", "审定同意"
        APPROVE_WITH_REMOVALS = "approve_with_removals", "部分同意（取消部分人选）"
        REJECT = "reject", "不同意"

    round = models.ForeignKey(
        "selection.Round", on_delete=models.PROTECT, related_name="leadership_decisions"
    )
    outcome = models.CharField("审定结论", max_length=32, choices=Outcome.choices)
    meeting_date = models.DateField("会议日期")
    minutes_reference = models.CharField("会议纪要", max_length=200)
    removed = models.ManyToManyField("selection.Application", blank=True, related_name="+")
    note = models.TextField("说明", blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    superseded = models.BooleanField("已退回重新评审", default=False)

    class Meta:
        verbose_name = "领导小组审定"
        constraints = [
            models.UniqueConstraint(
                fields=["round"],
                condition=models.Q(superseded=False),
                name="leadershipdecision_one_current_per_round",
                violation_error_message="本批次已有领导小组审定结论。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.get_outcome_display()}"


class GovernmentApproval(models.Model):
    """区政府同意并发文 (document number such as 威环政字〔2026〕12号)."""

    round = models.OneToOneField(
        "selection.Round", on_delete=models.PROTECT, related_name="government_approval"
    )
    document_number = models.CharField("批准文号", max_length=100)
    approved_on = models.DateField("批准日期")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()
    published_at = models.DateTimeField("发文公布时间", null=True, blank=True)

    class Meta:
        verbose_name = "区政府批准"

    def __str__(self) -> str:
        return self.document_number


class ApprovalDocument(models.Model):
    """The approval document the government signed (PDF), uploaded with its approval.

    Kept for the officer, the leadership and the government of the round's authority; never public. Stored
    under a random name and served only as a download through a permission-checked view.
    """

    approval = models.OneToOneField(
        GovernmentApproval, on_delete=models.PROTECT, related_name="signed_document"
    )
    original_name = models.CharField("文件名", max_length=200)
    file = models.FileField(upload_to="approvals/%Y/")
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()

    class Meta:
        verbose_name = "区政府批准文件"

    def __str__(self) -> str:
        return self.original_name


class GovernmentSendBack(models.Model):
    """区政府退回: the government does not approve the list the leadership approved and sends it back to the
    leadership for reconsideration, with its reason. The decision it returns is superseded; the leadership
    decides again (approve, approve with removals, or reject back to the committee)."""

    round = models.ForeignKey(
        "selection.Round", on_delete=models.PROTECT, related_name="government_send_backs"
    )
    decision = models.OneToOneField(
        LeadershipDecision, on_delete=models.PROTECT, related_name="government_send_back"
    )
    reason = models.TextField("退回理由")
    sent_back_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_back_at = models.DateTimeField("退回时间")

    class Meta:
        verbose_name = "区政府退回"

    def __str__(self) -> str:
        return f"{self.round} 区政府退回"
