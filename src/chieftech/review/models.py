"""The re-review's own records. The per-holder review itself is `tenure.AnnualReview` (the subsidy reads its
outcome); a campaign opens those of one cohort for one year of the term, with the deadline for the material."""

from django.conf import settings
from django.db import models


class CampaignState(models.TextChoices):
    OPEN = "open", "材料报送中"
    CLOSED = "closed", "已结束"


class ReviewCampaign(models.Model):
    """复核认定工作: the re-review of one cohort (a selection round's terms) for one year of their term."""

    authority = models.ForeignKey("policy.Authority", on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(
        "selection.Round", verbose_name="届次", on_delete=models.PROTECT, related_name="+"
    )
    policy = models.ForeignKey("policy.PolicyVersion", on_delete=models.PROTECT, related_name="+")
    review_year = models.PositiveSmallIntegerField("管理期第几年")
    title = models.CharField("名称", max_length=200)
    period_start = models.DateField("复核期间起")
    period_end = models.DateField("复核期间止")
    working_days = models.PositiveSmallIntegerField("报送期限（工作日）")
    deadline = models.DateField("材料报送截止日期")
    state = models.CharField("状态", max_length=16, choices=CampaignState.choices, default=CampaignState.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField("开启时间")
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = "复核认定工作"
        constraints = [
            models.UniqueConstraint(fields=["round", "review_year"], name="one_campaign_per_round_year"),
        ]

    def __str__(self) -> str:
        return self.title


class AchievementKind(models.TextChoices):
    RESULT = "result", "技术成果"
    AWARD = "award", "奖励荣誉"
    PATENT = "patent", "专利"
    STANDARD = "standard", "标准与操作法"
    OTHER = "other", "其他"


class ReviewAchievement(models.Model):
    """第11条(二): an achievement or award of the period under review, with its evidence."""

    review = models.ForeignKey(
        "tenure.AnnualReview", on_delete=models.CASCADE, related_name="achievement_items"
    )
    kind = models.CharField("类别", max_length=16, choices=AchievementKind.choices)
    title = models.CharField("名称", max_length=200)
    achieved_on = models.DateField("取得日期")
    issuer = models.CharField("颁发或认定单位", max_length=200, blank=True)
    description = models.TextField("说明", blank=True)
    file = models.FileField("证明材料", upload_to="reviews/%Y/")
    file_name = models.CharField("文件名", max_length=200)
    file_size = models.PositiveIntegerField("文件大小")
    file_type = models.CharField("文件类型", max_length=100)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField("登记时间")

    class Meta:
        ordering = ["achieved_on", "pk"]
        verbose_name = "主要技术成果、奖励"

    def __str__(self) -> str:
        return self.title
