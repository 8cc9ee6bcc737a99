from django.core.exceptions import ValidationError
from django.db import models

from chieftech.policy.status_effects import status_effects_check, status_effects_default


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


class CompetitionLevel(models.TextChoices):
    """The levels of vocational skills competitions (职业技能竞赛); each authority says which count under
    第七条（二） (Authority.counted_competition_levels)."""

    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    CITY_I = "city_1", "市级一类"
    CITY_II = "city_2", "市级二类"
    DISTRICT = "district", "区级"


class AuthorityLevel(models.TextChoices):
    DISTRICT = "district", "区/县"
    CITY = "city", "市"
    PROVINCE = "province", "省"


class PayrollApproverRole(models.TextChoices):
    """Who approves (审批) the authority's subsidy batches: the roles of chieftech.accounts.roles that may."""

    PAYROLL_APPROVER = "payroll_approver", "津贴发放审批人"
    LEADER = "leader", "区委人才工作领导小组"
    GOVERNMENT = "government", "区政府经办人"


class Authority(models.Model):
    """An issuing authority (区/县, 市 or 省 bureau) that runs its own programme (SPEC.md §2).

    It owns its policy versions, rounds, expert pool, tenures and audit chain; everything that used to be
    written into the code about one district (names, territory, document wording, certificate prefix) is a
    field here, so one installation can serve several authorities.
    """

    code = models.SlugField("代码", max_length=32, unique=True, help_text="英文小写代码，如 huancui")
    name = models.CharField("行政区域", max_length=50, help_text="如：××区")
    level = models.CharField("层级", max_length=16, choices=AuthorityLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    bureau_name = models.CharField(
        "人社部门名称", max_length=100, help_text="如：××市××区人力资源和社会保障局"
    )
    leadership_name = models.CharField("审定机构名称", max_length=100, help_text="如：××区委人才工作领导小组")
    government_name = models.CharField("批准机关名称", max_length=100, help_text="如：××区人民政府")
    title_name = models.CharField("称号名称", max_length=100, help_text="如：××区首席技师")
    site_name = models.CharField("系统名称", max_length=100, help_text="如：××区首席技师选拔管理系统")
    public_base_url = models.URLField("公开访问地址", blank=True, help_text="证书二维码与公示链接使用的网址")
    certificate_prefix = models.CharField(
        "证书编号前缀", max_length=16, help_text="证书编号为“前缀-年度-序号”，如 XXSJ-2026-001"
    )
    counted_competition_levels = models.JSONField(
        "第七条（二）认可的竞赛级别", default=list, blank=True, help_text="竞赛级别代码列表"
    )
    scoring_template = models.JSONField("默认评分模板", default=dict, blank=True)
    call_wording = models.TextField("申报通知文稿", blank=True)
    notice_wording = models.TextField("公示文稿", blank=True)
    certificate_wording = models.TextField("证书文稿", blank=True)
    approval_wording = models.TextField("审定批准文稿", blank=True)
    contact_default = models.CharField(
        "默认联系方式",
        max_length=200,
        blank=True,
        help_text="批次未填联系方式时申报通知使用的联系方式；留空时使用人社部门名称",
    )
    payroll_approver_role = models.CharField(
        "津贴发放表审批角色",
        max_length=24,
        choices=PayrollApproverRole.choices,
        default=PayrollApproverRole.PAYROLL_APPROVER,
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "发证机关"
        verbose_name_plural = "发证机关"
        permissions = [("manage_authority", "可以管理发证机关")]

    def __str__(self) -> str:
        return self.bureau_name

    def clean(self) -> None:
        """Refuse wording that names a placeholder its document does not offer (before any page uses it)."""
        from chieftech.policy.wording import WORDING_PLACEHOLDERS, WordingError, wording_check

        errors = {}
        for field, allowed in WORDING_PLACEHOLDERS.items():
            try:
                wording_check(getattr(self, field), allowed=allowed)
            except WordingError as exc:
                errors[field] = exc.message
        if errors:
            raise ValidationError(errors)

    @property
    def contact(self) -> str:
        return self.contact_default or self.bureau_name

    def territory_authority_ids(self) -> list[int]:
        """This authority and every authority below it: a city's territory holds its districts' towns."""
        ids, frontier = [self.pk], [self.pk]
        while frontier:
            frontier = list(Authority.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            ids.extend(frontier)
        return ids


class Town(models.Model):
    """A town or street (镇街) of an authority's own territory."""

    authority = models.ForeignKey(
        Authority, verbose_name="所属机关", on_delete=models.PROTECT, related_name="towns"
    )
    code = models.SlugField("代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=50)
    position = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        ordering = ["authority_id", "position", "id"]
        verbose_name = "镇街"
        verbose_name_plural = "镇街"

    def __str__(self) -> str:
        return self.name


class SubsidyCadence(models.TextChoices):
    MONTHLY = "monthly", "按月发放"
    QUARTERLY = "quarterly", "按季发放"
    YEARLY = "yearly", "按年发放"


class SubsidyFirstMonth(models.TextChoices):
    """Which month of a term is its first paid month; a whole term pays exactly its months either way."""

    START_MONTH = "start_month", "管理期起始当月起计发"
    NEXT_MONTH = "next_month", "管理期起始次月起计发（起始日为1日的，当月起计发）"


class IncomeCategory(models.TextChoices):
    WAGES = "wages", "工资、薪金所得"
    LABOUR = "labour", "劳务报酬所得"
    INCIDENTAL = "incidental", "偶然所得"


class TaxRule(models.TextChoices):
    LABOUR_PREPAY = (
        "labour_prepay",
        "劳务报酬预扣法（每次收入不超过4000元的减除800元，超过的减除20%，按20%—40%预扣）",
    )
    FLAT_RATE = "flat_rate", "按固定比例代扣"


def term_end_reminder_days_default() -> list[int]:
    """The district's practice: remind 60 and 30 days before a term ends."""
    return [60, 30]


class PolicyVersion(models.Model):
    """A version of the measures: every number the measures set is a field here (SPEC.md §2)."""

    authority = models.ForeignKey(
        Authority, verbose_name="所属机关", on_delete=models.PROTECT, related_name="policy_versions"
    )
    issuer = models.CharField("发文机关", max_length=200)
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
    term_end_reminder_days = models.JSONField(
        "管理期届满前提醒（天）", default=term_end_reminder_days_default
    )
    # The subsidy (第4条, 第12条; chieftech.subsidy): cadence, the first paid month, the re-review that gates
    # the months after it, and tax.
    subsidy_cadence = models.CharField(
        "津贴发放周期", max_length=16, choices=SubsidyCadence.choices, default=SubsidyCadence.MONTHLY
    )
    subsidy_first_month = models.CharField(
        "津贴起计月份", max_length=16, choices=SubsidyFirstMonth.choices, default=SubsidyFirstMonth.NEXT_MONTH
    )
    subsidy_first_year_deferred = models.BooleanField(
        "首年津贴次年发放", default=False, help_text="管理期起始当年的津贴于次年第一次发放时一并发放"
    )
    review_interval_months = models.PositiveSmallIntegerField(
        "复核认定间隔（月）",
        default=12,
        help_text="每满该月数复核一次，复核通过后方发放其后各月津贴；管理期届满时不复核；0 表示不复核",
    )
    # The re-review (第8条, 第11条; chieftech.review): how long holders have to send the material, and to correct it.
    review_submission_working_days = models.PositiveSmallIntegerField(
        "复核材料报送期限（工作日）", default=15, help_text="自开启复核之日起按工作日计算"
    )
    review_correction_working_days = models.PositiveSmallIntegerField(
        "退回补正期限（工作日）", default=5, help_text="自退回之日起按工作日计算"
    )
    # 第13条: from the 1st of this month the enterprises that have recorded nothing for the year are reminded.
    employer_record_reminder_month = models.PositiveSmallIntegerField(
        "用人单位履职记录提醒月份", default=12, help_text="每年该月1日起提醒尚未记录当年履职情况的用人单位"
    )
    # Revocation (第17条; chieftech.revocation): how long the holder has to state their case.
    revocation_statement_working_days = models.PositiveSmallIntegerField(
        "陈述申辩期限（工作日）", default=5, help_text="自告知之日起按工作日计算"
    )
    fraud_bar_years = models.PositiveSmallIntegerField(
        "弄虚作假被取消资格者不得申报年限",
        default=0,
        help_text="依第十七条（三）被取消资格的，自取消之日起该年限内不得申报；0表示永久不得申报",
    )
    subsidy_taxable = models.BooleanField("津贴需代扣个人所得税", default=False)
    subsidy_income_category = models.CharField(
        "所得项目", max_length=16, choices=IncomeCategory.choices, blank=True
    )
    subsidy_tax_rule = models.CharField("代扣规则", max_length=16, choices=TaxRule.choices, blank=True)
    subsidy_tax_rate = models.DecimalField(
        "代扣比例",
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="按固定比例代扣时填写，如 0.2000",
    )
    # What each tenure status means for the title and the benefits (chieftech.policy.status_effects).
    status_effects = models.JSONField("各状态的称号与待遇", default=status_effects_default)
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

    def save(self, *args, **kwargs):
        # The table is read by the public verification page: a malformed one is refused whoever saves it.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "status_effects" in update_fields:
            self.status_effects = status_effects_check(self.status_effects)
        super().save(*args, **kwargs)


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
