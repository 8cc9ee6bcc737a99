"""A revocation case (第17条) and the documents of its steps.

立案 (the office opens the case: grounds, facts, evidence; the holder may state their case before a deadline in
working days) → 初步认定 (the office's finding) → 领导小组审定 (approve, or reject with reasons; meeting date and
minutes) → 政府批准 (document number and date): the title is withdrawn from the effective date. A case rejected at
any step is closed and the term is untouched. A case of kind `annul` undoes an approved revocation (after
administrative reconsideration) by the same steps.
"""

from django.conf import settings
from django.db import models


class Ground(models.TextChoices):
    """第17条(一)–(四)."""

    MISCONDUCT = "1", "（一）在管理期内有违法违纪行为或者重大过失"
    REFUSED_DUTIES = "2", "（二）无正当理由拒不承担规定的职责和义务"
    FRAUD = "3", "（三）采取弄虚作假、谎报成果等不正当手段骗取资格"
    OTHER = "4", "（四）其他应当取消资格的行为"


class CaseKind(models.TextChoices):
    REVOKE = "revoke", "取消资格"
    ANNUL = "annul", "撤销取消资格决定"


class CaseState(models.TextChoices):
    OPEN = "open", "已立案，待陈述申辩"
    FOUND = "found", "已初步认定，待领导小组审定"
    ENDORSED = "endorsed", "领导小组审定同意，待政府批准"
    APPROVED = "approved", "政府已批准"
    CLOSED = "closed", "不予取消，已结案"


class RevocationCase(models.Model):
    authority = models.ForeignKey("policy.Authority", on_delete=models.PROTECT, related_name="+")
    tenure = models.ForeignKey("tenure.Tenure", on_delete=models.PROTECT, related_name="revocation_cases")
    policy = models.ForeignKey("policy.PolicyVersion", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("类型", max_length=8, choices=CaseKind.choices, default=CaseKind.REVOKE)
    # An annul case names the approved revocation it undoes; a refused attempt closes and another may follow
    # (a court's judgment after a reconsideration refused), but one at a time and one approved at most.
    annuls = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="annulments",
        verbose_name="撤销的决定",
    )
    state = models.CharField("状态", max_length=16, choices=CaseState.choices, default=CaseState.OPEN)
    grounds = models.JSONField("取消情形", default=list)  # Ground values, one or more
    facts = models.TextField("事实与依据")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField("立案时间")
    # 陈述申辩: the holder's statement, before the deadline (working days from the notice).
    statement_deadline = models.DateField("陈述申辩截止日期", null=True, blank=True)
    statement = models.TextField("陈述申辩", blank=True)
    statement_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    statement_at = models.DateTimeField("陈述申辩时间", null=True, blank=True)
    # 初步认定 by the selection office.
    finding = models.TextField("初步认定意见", blank=True)
    found_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    found_at = models.DateTimeField("初步认定时间", null=True, blank=True)
    # 审定 by the leadership.
    leadership_meeting_on = models.DateField("领导小组会议日期", null=True, blank=True)
    leadership_minutes = models.CharField("会议纪要", max_length=200, blank=True)
    leadership_reason = models.TextField("审定意见", blank=True)
    leadership_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    leadership_at = models.DateTimeField("审定登记时间", null=True, blank=True)
    # 批准 by the government.
    government_document_number = models.CharField("政府批准文号", max_length=100, blank=True)
    government_approved_on = models.DateField("政府批准日期", null=True, blank=True)
    government_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    government_at = models.DateTimeField("批准登记时间", null=True, blank=True)
    effective_on = models.DateField("生效日期", null=True, blank=True)
    closed_reason = models.TextField("结案理由", blank=True)
    closed_at = models.DateTimeField("结案时间", null=True, blank=True)
    # 收回证书: the paper certificate handed back.
    certificate_returned_on = models.DateField("纸质证书收回日期", null=True, blank=True)
    certificate_return_note = models.TextField("证书收回说明", blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = "取消资格案件"
        constraints = [
            models.UniqueConstraint(
                fields=["government_document_number"],
                condition=~models.Q(government_document_number=""),
                name="revocation_unique_document_number",
            ),
            # A revocation is annulled once: no second annulment beside a live or approved one.
            models.UniqueConstraint(
                fields=["annuls"],
                condition=~models.Q(state="closed"),
                name="one_annulment_per_revocation",
            ),
            # One live case per term at a time.
            models.UniqueConstraint(
                fields=["tenure"],
                condition=models.Q(state__in=["open", "found", "endorsed"]),
                name="one_live_revocation_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tenure} {self.get_kind_display()}"


class CaseStep(models.TextChoices):
    OPEN = "open", "立案"
    STATEMENT = "statement", "陈述申辩"
    FINDING = "finding", "初步认定"
    LEADERSHIP = "leadership", "领导小组审定"
    GOVERNMENT = "government", "政府批准"
    RETURN = "return", "证书收回"


class CaseDocument(models.Model):
    """A document of a step: evidence, the statement's proof, the finding, the minutes, the approval."""

    case = models.ForeignKey(RevocationCase, on_delete=models.PROTECT, related_name="documents")
    step = models.CharField("环节", max_length=16, choices=CaseStep.choices)
    file = models.FileField("文件", upload_to="revocation/%Y/")
    file_name = models.CharField("文件名", max_length=200)
    file_size = models.PositiveIntegerField("文件大小")
    file_type = models.CharField("文件类型", max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = "取消资格案件材料"

    def __str__(self) -> str:
        return self.file_name
