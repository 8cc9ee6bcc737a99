from django.db import models


class SkillLevel(models.IntegerChoices):
    """The national 8-level skill ladder (职业技能等级). The district's 首席技师 *title* is not on it:
    the ladder's top step is a grade enterprises award; the title lives in certificates/tenure."""

    APPRENTICE = 1, "学徒工"
    JUNIOR = 2, "初级工（五级）"
    INTERMEDIATE = 3, "中级工（四级）"
    SENIOR = 4, "高级工（三级）"
    TECHNICIAN = 5, "技师（二级）"
    SENIOR_TECHNICIAN = 6, "高级技师（一级）"
    PRINCIPAL_TECHNICIAN = 7, "特级技师"
    CHIEF_TECHNICIAN_GRADE = 8, "首席技师（企业评聘等级）"


class PolicyVersion(models.Model):
    """A version of the measures: every number the measures set is a field here (SPEC.md §2)."""

    authority = models.CharField("发文机关", max_length=200)
    document_number = models.CharField("文号", max_length=100)
    title = models.CharField("标题", max_length=200)
    valid_from = models.DateField("施行日期")
    valid_until = models.DateField("有效期至")
    selection_interval_years = models.PositiveSmallIntegerField("选拔周期（年）")
    quota_per_round = models.PositiveSmallIntegerField("每次选拔人数（左右）")
    management_period_months = models.PositiveSmallIntegerField("管理期（月）")
    monthly_subsidy = models.DecimalField("每人每月津贴（元）", max_digits=10, decimal_places=2)
    min_skill_level = models.PositiveSmallIntegerField("最低技能等级", choices=SkillLevel.choices)
    max_age = models.PositiveSmallIntegerField("年龄一般不超过（周岁）")
    priority_age = models.PositiveSmallIntegerField("优先年龄（周岁及以下）")
    notice_working_days = models.PositiveSmallIntegerField("公示期（工作日）")
    apprentices_per_year = models.PositiveSmallIntegerField("每年带徒取得高级工以上人数")
    apprentice_min_level = models.PositiveSmallIntegerField(
        "徒弟应取得的最低等级", choices=SkillLevel.choices, default=SkillLevel.SENIOR
    )
    deeds_target_chars = models.PositiveSmallIntegerField("事迹材料字数（左右）", default=1000)
    certificate_prefix = models.CharField(
        "证书编号前缀",
        max_length=16,
        default="HCSJ",
        db_default="HCSJ",
        help_text="证书编号为“前缀-年度-序号”，如 HCSJ-2026-001",
    )
    predecessor = models.ForeignKey(
        "self", verbose_name="上一版本", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = "政策版本"
        verbose_name_plural = "政策版本"
        permissions = [
            ("view_policy", "可以查看政策版本"),
            ("manage_policy", "可以登记政策版本"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")), name="policy_valid_range"
            ),
            # A document is registered once; its number is how officers and decisions cite it.
            models.UniqueConstraint(fields=["document_number"], name="policy_unique_document_number"),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.document_number}）"


class CalendarYear(models.Model):
    """A year's holiday schedule entered by the admin (the State Council publishes it around November).

    When a year is entered here, its entries take precedence over the chinesecalendar library; a year
    that is neither here nor in the library has no data, and every deadline computation in it fails.
    """

    year = models.PositiveSmallIntegerField("年度", unique=True)
    source = models.CharField(
        "依据", max_length=200, help_text="例如：国务院办公厅关于2027年部分节假日安排的通知"
    )
    complete = models.BooleanField("已完整录入", default=False)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = "年度节假日安排"
        verbose_name_plural = "年度节假日安排"
        permissions = [("manage_calendar", "可以维护节假日安排")]

    def __str__(self) -> str:
        return f"{self.year}年节假日安排"


class CalendarDay(models.Model):
    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "放假（非工作日）"
        WORKDAY = "workday", "调休上班（工作日）"

    calendar_year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days")
    date = models.DateField("日期", unique=True)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    name = models.CharField("名称", max_length=50, blank=True, help_text="例如：国庆节")

    class Meta:
        ordering = ["date"]
        verbose_name = "节假日/调休日"
        verbose_name_plural = "节假日/调休日"

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"
