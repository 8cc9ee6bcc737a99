"""The expert committee and its scoring (SPEC.md §3 step 4; 第10条(四), 第7条(五)).

Scores are Decimal; aggregation rounds once, at the end (ROUND_HALF_UP, two decimals).
"""

from django.conf import settings
from django.db import models

from chieftech.core.pii import EncryptedTextField


class Expert(models.Model):
    """An expert of the pool kept by the bureau; `user` is their login when they score."""

    authority = models.ForeignKey(
        "policy.Authority", verbose_name="所属机关", on_delete=models.PROTECT, related_name="experts"
    )

    name = models.CharField("姓名", max_length=50)
    field = models.CharField("专业领域/工种", max_length=100)
    employer_enterprise = models.ForeignKey(
        "accounts.Enterprise",
        verbose_name="工作单位（区内企业）",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="experts",
    )
    employer_name = models.CharField("工作单位", max_length=200)
    title = models.CharField("职称/技能等级", max_length=100, blank=True)
    phone = EncryptedTextField("联系电话", blank=True, pii_kind="phone")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="登录账号", on_delete=models.PROTECT, null=True, blank=True
    )
    active = models.BooleanField("在库", default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "评审专家"
        verbose_name_plural = "评审专家"

    def __str__(self) -> str:
        return self.name


class CommitteeState(models.TextChoices):
    FORMING = "forming", "组建中"
    SCORING = "scoring", "评分中"
    CLOSED = "closed", "评分已结束"
    CONFIRMED = "confirmed", "建议名单已确认"


class AssignmentMode(models.TextChoices):
    ALL = "all", "全体委员评审全部候选人"
    BY_GROUP = "by_group", "按职业（工种）分组评审"


class Committee(models.Model):
    round = models.OneToOneField("selection.Round", on_delete=models.PROTECT, related_name="committee")
    name = models.CharField("名称", max_length=200)
    chair = models.ForeignKey(Expert, verbose_name="主任", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        "状态", max_length=16, choices=CommitteeState.choices, default=CommitteeState.FORMING
    )
    scoring_opened_at = models.DateTimeField(null=True, blank=True)
    scoring_closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.TextField("提前结束理由", blank=True)
    assignment_mode = models.CharField(
        "评审分配方式", max_length=16, choices=AssignmentMode.choices, default=AssignmentMode.ALL
    )
    load_cap = models.PositiveSmallIntegerField(
        "每位专家评审人数上限", null=True, blank=True, help_text="超过时提示，不阻止"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("组建时间", auto_now_add=True, null=True)

    class Meta:
        verbose_name = "评审委员会"
        permissions = [
            ("manage_committee", "可以组建评审委员会"),
            ("score", "可以评分"),
            ("chair_committee", "可以主持评审"),
        ]

    def __str__(self) -> str:
        return self.name


class CommitteeMember(models.Model):
    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="members")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="memberships")
    trade_group = models.CharField("评审组", max_length=100, blank=True)

    class Meta:
        verbose_name = "委员"
        constraints = [models.UniqueConstraint(fields=["committee", "expert"], name="one_seat_per_expert")]

    def __str__(self) -> str:
        return str(self.expert)


class GroupPlacement(models.Model):
    """In by-group assignment, the trade group a candidate is scored by (matching CommitteeMember.trade_group)."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="placements")
    application = models.ForeignKey("selection.Application", on_delete=models.CASCADE, related_name="+")
    trade_group = models.CharField("评审组", max_length=100)

    class Meta:
        verbose_name = "候选人分组"
        constraints = [
            models.UniqueConstraint(fields=["committee", "application"], name="one_group_per_candidate")
        ]

    def __str__(self) -> str:
        return f"{self.application} → {self.trade_group}"


class ScoringScheme(models.Model):
    """Criteria and weights, configured before scoring opens and frozen after."""

    round = models.OneToOneField("selection.Round", on_delete=models.PROTECT, related_name="scoring_scheme")
    comprehensive_weight = models.DecimalField("综合评审权重", max_digits=5, decimal_places=2)
    onsite_weight = models.DecimalField("现场技能考查权重", max_digits=5, decimal_places=2)
    onsite_max = models.DecimalField("现场技能考查满分", max_digits=6, decimal_places=2)
    trimmed_mean = models.BooleanField("去掉一个最高分和一个最低分", default=True)
    trim_min_sheets = models.PositiveSmallIntegerField("去极值所需最少有效评分数", default=5)
    rank_by_normalised = models.BooleanField("按标准化参考分排名", default=False)
    from_default_template = models.BooleanField("来自系统默认模板（非办法规定）", default=True)
    frozen_at = models.DateTimeField("冻结时间", null=True, blank=True)

    class Meta:
        verbose_name = "评分方案"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(comprehensive_weight__gte=0, onsite_weight__gte=0),
                name="scheme_weights_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} 评分方案"


class Criterion(models.Model):
    scheme = models.ForeignKey(ScoringScheme, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField("评分项", max_length=50)
    description = models.TextField("说明", blank=True)
    max_points = models.DecimalField("满分", max_digits=6, decimal_places=2)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "评分项"

    def __str__(self) -> str:
        return self.name


class Recusal(models.Model):
    class Kind(models.TextChoices):
        EMPLOYER = "employer", "同单位自动回避"
        DECLARED = "declared", "本人申明回避"

    member = models.ForeignKey(CommitteeMember, on_delete=models.CASCADE, related_name="recusals")
    application = models.ForeignKey(
        "selection.Application", on_delete=models.CASCADE, related_name="recusals"
    )
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    reason = models.TextField("理由")
    declared_at = models.DateTimeField("申明时间", auto_now_add=True)

    class Meta:
        verbose_name = "回避"
        constraints = [models.UniqueConstraint(fields=["member", "application"], name="one_recusal_per_pair")]

    def __str__(self) -> str:
        return f"{self.member} 回避 {self.application}"


class Assignment(models.Model):
    """Who scores whom; by default every member every qualified candidate."""

    member = models.ForeignKey(CommitteeMember, on_delete=models.CASCADE, related_name="assignments")
    application = models.ForeignKey(
        "selection.Application", on_delete=models.CASCADE, related_name="assignments"
    )

    class Meta:
        verbose_name = "评审分配"
        constraints = [
            models.UniqueConstraint(fields=["member", "application"], name="one_assignment_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.application}"


class ScoreSheet(models.Model):
    class Part(models.TextChoices):
        COMPREHENSIVE = "comprehensive", "综合评审"
        ONSITE = "onsite", "现场技能考查"

    class State(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已提交"
        ABSENT = "absent", "未到场"  # on-site assessment only: the expert was not present

    member = models.ForeignKey(CommitteeMember, on_delete=models.PROTECT, related_name="sheets")
    application = models.ForeignKey("selection.Application", on_delete=models.PROTECT, related_name="sheets")
    part = models.CharField("部分", max_length=16, choices=Part.choices)
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.DRAFT)
    total = models.DecimalField("合计", max_digits=7, decimal_places=2, null=True, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    reopened_reason = models.TextField("退回重评理由", blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True, null=True)

    class Meta:
        verbose_name = "评分表"
        constraints = [
            models.UniqueConstraint(fields=["member", "application", "part"], name="one_sheet_per_part"),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.application} {self.get_part_display()}"


class Score(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, null=True, blank=True)
    points = models.DecimalField("得分", max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = "得分"
        constraints = [models.UniqueConstraint(fields=["sheet", "criterion"], name="one_score_per_criterion")]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.points}"


class Result(models.Model):
    """The committee's result for one candidate, computed when scoring closes."""

    application = models.OneToOneField(
        "selection.Application", on_delete=models.CASCADE, related_name="result"
    )
    comprehensive = models.DecimalField("综合评审得分", max_digits=7, decimal_places=2)
    onsite = models.DecimalField("现场技能考查得分", max_digits=7, decimal_places=2)
    composite = models.DecimalField("综合得分", max_digits=7, decimal_places=2)
    std_dev = models.DecimalField("标准差", max_digits=7, decimal_places=2)
    spread = models.DecimalField("极差", max_digits=7, decimal_places=2)
    normalised = models.DecimalField("标准化参考分", max_digits=7, decimal_places=2, null=True, blank=True)
    valid_sheets = models.PositiveSmallIntegerField("综合评审有效评分数")
    onsite_valid_sheets = models.PositiveSmallIntegerField("现场技能考查有效评分数", default=0)
    spread_flagged = models.BooleanField("分歧较大", default=False)
    expert_totals = models.JSONField("各专家综合评审合计", default=dict, blank=True)
    rank = models.PositiveIntegerField("排名")
    tie_break = models.CharField("同分排序依据", max_length=200, blank=True)
    computed_at = models.DateTimeField("计算时间")

    class Meta:
        ordering = ["rank"]
        verbose_name = "评审结果"

    def __str__(self) -> str:
        return f"{self.application} 第{self.rank}名"


class ProposedList(models.Model):
    """建议人选名单: the top `size` by default; another size needs a recorded reason (第4条 "5人左右")."""

    round = models.OneToOneField("selection.Round", on_delete=models.PROTECT, related_name="proposed_list")
    size = models.PositiveSmallIntegerField("建议人数")
    size_reason = models.TextField("人数调整理由", blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    applications = models.ManyToManyField("selection.Application", related_name="proposed_in", blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True, null=True)

    class Meta:
        verbose_name = "建议人选名单"

    def __str__(self) -> str:
        return f"{self.round} 建议人选名单"
