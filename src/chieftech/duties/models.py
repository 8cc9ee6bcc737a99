"""The records of 第13条–第15条 and the mentorship ledger of 第8条(五), 第14条(二), 第15条(一).

Every record belongs to one term (`tenure.Tenure`) and is kept by the holder, the holder's enterprise or the
officer (see chieftech.duties.rules). Files are PDF, JPG or PNG, checked on upload (chieftech.core.uploads) and
served only through a permission-checked view.
"""

import unicodedata

from django.conf import settings
from django.db import models

from chieftech.core.pii import EncryptedTextField, mask_id_number, mask_phone
from chieftech.policy.models import SkillLevel


class RecordedAs(models.TextChoices):
    HOLDER = "holder", "首席技师本人"
    ENTERPRISE = "enterprise", "用人单位"
    OFFICER = "officer", "人社局经办人"


class EvidenceFile(models.Model):
    """A file kept with a record: its stored name, the name it was uploaded under, size and type."""

    file = models.FileField("证明材料", upload_to="duties/%Y/", blank=True)
    file_name = models.CharField("文件名", max_length=200, blank=True)
    file_size = models.PositiveIntegerField("文件大小", default=0)
    file_type = models.CharField("文件类型", max_length=100, blank=True)

    class Meta:
        abstract = True


class Apprentice(models.Model):
    """An apprentice on a holder's ledger (第8条(五)). The same person claimed by two holders is flagged to the
    officer (`id_hash` across terms), never refused: two masters may share a pupil in good faith."""

    tenure = models.ForeignKey("tenure.Tenure", on_delete=models.PROTECT, related_name="apprentices")
    name = models.CharField("徒弟姓名", max_length=50)
    id_number = EncryptedTextField("身份证号码", pii_kind="id_number")
    id_hash = models.CharField(max_length=64, db_index=True, editable=False)
    PII_HASHES = {"id_hash": "id_number"}
    enterprise = models.ForeignKey(
        "accounts.Enterprise",
        verbose_name="所在单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    enterprise_name = models.CharField("所在单位（区外或未注册）", max_length=200, blank=True)
    occupation = models.CharField("职业（工种）", max_length=100)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_as = models.CharField("登记人身份", max_length=16, choices=RecordedAs.choices)
    added_at = models.DateTimeField("登记时间")

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name = "徒弟"
        constraints = [
            models.UniqueConstraint(fields=["tenure", "id_hash"], name="one_apprentice_per_ledger"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)


class MentorshipAgreement(EvidenceFile):
    """带徒协议 (第11条(三)): signed with one apprentice, for a period."""

    apprentice = models.ForeignKey(Apprentice, on_delete=models.PROTECT, related_name="agreements")
    signed_on = models.DateField("签订日期")
    ends_on = models.DateField("协议期满", null=True, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField("登记时间")

    class Meta:
        ordering = ["signed_on", "pk"]
        verbose_name = "带徒协议"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("signed_on")),
                name="agreement_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.apprentice} {self.signed_on}"


def certificate_number_key(number: str) -> str:
    """A certificate number as compared across ledgers: no blanks, dashes or full-width forms, upper case."""
    folded = unicodedata.normalize("NFKC", number)
    return "".join(ch for ch in folded if ch.isalnum()).upper()


class ApprenticeCertificate(EvidenceFile):
    """An apprentice's 职业技能等级证书 (第8条(五)): the level and date decide whether it counts for a year."""

    apprentice = models.ForeignKey(Apprentice, on_delete=models.PROTECT, related_name="certificates")
    level = models.PositiveSmallIntegerField("等级", choices=SkillLevel.choices)
    occupation = models.CharField("职业（工种）", max_length=100)
    number = models.CharField("证书编号", max_length=100)
    # The number without spaces, dashes or case: two holders claiming one certificate are found on it.
    number_key = models.CharField(max_length=100, db_index=True, editable=False)
    issuer = models.CharField("发证机构", max_length=200)
    issued_on = models.DateField("发证日期")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField("登记时间")

    class Meta:
        ordering = ["issued_on", "pk"]
        verbose_name = "徒弟技能等级证书"
        constraints = [
            models.UniqueConstraint(
                fields=["apprentice", "number_key"], name="one_certificate_per_apprentice"
            ),
        ]
        indexes = [models.Index(fields=["apprentice", "issued_on"], name="apprentice_cert_date_idx")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.number}"


class DutyKind(models.TextChoices):
    """第15条(一)–(四)."""

    MENTORING = "mentoring", "传帮带"
    INNOVATION = "innovation", "技术攻关与革新"
    EXCHANGE = "exchange", "技术交流与技能展示"
    PUBLICITY = "publicity", "宣传"


class DutyActivity(EvidenceFile):
    """An entry of the duties log (第15条), kept by the holder or the enterprise."""

    tenure = models.ForeignKey("tenure.Tenure", on_delete=models.PROTECT, related_name="duty_activities")
    kind = models.CharField("类别", max_length=16, choices=DutyKind.choices)
    occurred_on = models.DateField("日期")
    title = models.CharField("事项", max_length=200)
    description = models.TextField("内容")
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    logged_as = models.CharField("记录人身份", max_length=16, choices=RecordedAs.choices)
    logged_at = models.DateTimeField("记录时间")

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = "履职记录"
        indexes = [models.Index(fields=["tenure", "occurred_on"], name="duty_activity_tenure_day_idx")]

    def __str__(self) -> str:
        return self.title


class EmployerDutyRecord(models.Model):
    """第13条, once a year per holder and employer: the supplementary medical subsidy (where the employer has
    补充医疗保险), the health check and the paid leave it gave."""

    tenure = models.ForeignKey("tenure.Tenure", on_delete=models.PROTECT, related_name="employer_records")
    enterprise = models.ForeignKey("accounts.Enterprise", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    has_supplementary_insurance = models.BooleanField("已建立补充医疗保险", default=False)
    medical_subsidy = models.DecimalField(
        "医疗费用补助（元）", max_digits=10, decimal_places=2, null=True, blank=True
    )
    medical_note = models.TextField("医疗补助说明", blank=True)
    health_check_on = models.DateField("健康查体日期", null=True, blank=True)
    health_check_note = models.TextField("健康查体说明", blank=True)
    paid_leave_days = models.PositiveSmallIntegerField("带薪休假（天）", null=True, blank=True)
    paid_leave_note = models.TextField("带薪休假说明", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("记录时间")
    updated_at = models.DateTimeField("最后修改时间")

    class Meta:
        ordering = ["-year", "pk"]
        verbose_name = "用人单位履职记录"
        constraints = [
            models.UniqueConstraint(
                fields=["tenure", "enterprise", "year"], name="one_employer_record_a_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tenure} {self.year}年"


class ObligationReminder(models.Model):
    """A reminder that an enterprise has recorded nothing for a holder's year (第13条): once per year."""

    tenure = models.ForeignKey("tenure.Tenure", on_delete=models.CASCADE, related_name="+")
    enterprise = models.ForeignKey("accounts.Enterprise", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    sent_at = models.DateTimeField("提醒时间")

    class Meta:
        verbose_name = "用人单位履职提醒"
        constraints = [
            models.UniqueConstraint(fields=["tenure", "enterprise", "year"], name="one_obligation_reminder"),
        ]

    def __str__(self) -> str:
        return f"{self.tenure_id} {self.year}年提醒"


class SupportKind(models.TextChoices):
    """第14条(一)–(四), (六)."""

    PROJECT = "project", "重点项目咨询与重大技术联合攻关"
    EXCHANGE = "exchange", "技能交流与绝技绝活展示"
    STUDY = "study", "脱产学习与参观考察"
    TRAINING = "training", "培训"
    RESEARCH = "research", "科研项目与技术推广优先支持"
    PUBLICITY = "publicity", "新闻宣传"


class SupportRecord(EvidenceFile):
    """What a department or the employer did for a holder (第14条)."""

    tenure = models.ForeignKey("tenure.Tenure", on_delete=models.PROTECT, related_name="support_records")
    kind = models.CharField("类别", max_length=16, choices=SupportKind.choices)
    occurred_on = models.DateField("日期")
    title = models.CharField("事项", max_length=200)
    department = models.CharField("组织部门或单位", max_length=200)
    description = models.TextField("内容", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_as = models.CharField("记录人身份", max_length=16, choices=RecordedAs.choices)
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = "部门支持记录"
        indexes = [models.Index(fields=["tenure", "occurred_on"], name="support_tenure_day_idx")]

    def __str__(self) -> str:
        return self.title


class LiaisonAssignment(models.Model):
    """The liaison cadre (联系领导干部, 第14条(五)) assigned to a holder; one at a time."""

    tenure = models.ForeignKey("tenure.Tenure", on_delete=models.PROTECT, related_name="liaisons")
    cadre_name = models.CharField("联系领导干部", max_length=50)
    cadre_post = models.CharField("职务", max_length=100)
    cadre_unit = models.CharField("工作单位", max_length=200)
    cadre_phone = EncryptedTextField("联系电话", pii_kind="phone", blank=True)
    assigned_on = models.DateField("确定联系日期")
    ended_on = models.DateField("结束联系日期", null=True, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField("登记时间")

    class Meta:
        ordering = ["-assigned_on", "-pk"]
        verbose_name = "联系领导干部"
        constraints = [
            models.UniqueConstraint(
                fields=["tenure"], condition=models.Q(ended_on__isnull=True), name="one_current_liaison"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre_name}（{self.cadre_post}）"

    @property
    def cadre_phone_masked(self) -> str:
        return mask_phone(self.cadre_phone)


class LiaisonContact(models.Model):
    """A contact of the liaison cadre with the holder, and what it settled (第14条(五))."""

    class Mode(models.TextChoices):
        VISIT = "visit", "走访"
        TALK = "talk", "座谈"
        PHONE = "phone", "电话联系"
        OTHER = "other", "其他"

    assignment = models.ForeignKey(LiaisonAssignment, on_delete=models.PROTECT, related_name="contacts")
    contacted_on = models.DateField("联系日期")
    mode = models.CharField("方式", max_length=8, choices=Mode.choices)
    difficulties = models.TextField("反映的困难和诉求", blank=True)
    resolution = models.TextField("协调解决情况", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("记录时间")

    class Meta:
        ordering = ["-contacted_on", "-pk"]
        verbose_name = "联系记录"

    def __str__(self) -> str:
        return f"{self.assignment} {self.contacted_on}"
