from django.contrib.auth.models import AbstractUser
from django.db import models

from chieftech.core.pii import EncryptedTextField, mask_phone, validate_uscc


class Town(models.TextChoices):
    """The towns and sub-districts (镇街) of 环翠区."""

    HUANCUILOU = "huancuilou", "环翠楼街道"
    JINGYUAN = "jingyuan", "鲸园街道"
    ZHUDAO = "zhudao", "竹岛街道"
    SUNJIATUAN = "sunjiatuan", "孙家疃街道"
    TIANHE = "tianhe", "田和街道"
    YIYUAN = "yiyuan", "怡园街道"
    SONGSHAN = "songshan", "嵩山街道"
    HUANGGUAN = "huangguan", "皇冠街道"
    FENGLIN = "fenglin", "凤林街道"
    XIYUAN = "xiyuan", "西苑街道"
    ZHANGCUN = "zhangcun", "张村镇"
    YANGTING = "yangting", "羊亭镇"
    WENQUAN = "wenquan", "温泉镇"
    QIAOTOU = "qiaotou", "桥头镇"
    LIKOUSHAN = "likoushan", "里口山管理服务中心"
    OUTSIDE = "outside", "区外"


class Industry(models.TextChoices):
    MANUFACTURING = "manufacturing", "装备制造"
    MEDICAL = "medical", "医疗器械与生物医药"
    ELECTRONICS = "electronics", "电子信息"
    TEXTILE = "textile", "纺织服装"
    FOOD = "food", "食品加工"
    MARINE = "marine", "海洋产业"
    NEW_MATERIALS = "new_materials", "新材料"
    CONSTRUCTION = "construction", "建筑施工"
    SERVICES = "services", "现代服务业"
    OTHER = "other", "其他"


class IndustryFocus(models.TextChoices):
    """第6条: selection concentrates on pillar and strategic emerging industries."""

    PILLAR = "pillar", "支柱产业"
    EMERGING = "emerging", "战略性新兴产业"
    NONE = "none", "其他产业"


class Enterprise(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        ACTIVE = "active", "已认证"
        REFUSED = "refused", "未通过"
        SUSPENDED = "suspended", "已停用"

    name = models.CharField("企业名称", max_length=200)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True, validators=[validate_uscc])
    address = models.CharField("地址", max_length=300, blank=True)
    town = models.CharField("所在镇街", max_length=32, choices=Town.choices)
    industry = models.CharField("所属行业", max_length=32, choices=Industry.choices)
    industry_focus = models.CharField(
        "产业类别", max_length=16, choices=IndustryFocus.choices, default=IndustryFocus.NONE
    )
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = EncryptedTextField("联系电话", blank=True, pii_kind="phone")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    status_reason = models.TextField("审核意见", blank=True)
    registered_via_portal = models.BooleanField("门户自行注册", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = "企业"
        verbose_name_plural = "企业"
        permissions = [
            ("manage_enterprise", "可以管理企业"),
            ("manage_enterprise_user", "可以管理企业经办人账号"),
            ("reveal_personal_data", "可以查看完整个人敏感信息"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def in_district(self) -> bool:
        return self.town != Town.OUTSIDE

    @property
    def contact_phone_masked(self) -> str:
        return mask_phone(self.contact_phone)


class User(AbstractUser):
    real_name = models.CharField("姓名", max_length=50, blank=True)
    phone = EncryptedTextField("手机号码", blank=True, pii_kind="phone")
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name="所属企业",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        permissions = [("manage_staff_user", "可以管理系统用户与角色")]
        constraints = [
            # Separation of duties: a superuser would hold every capability at once (read the audit log,
            # score, approve). Every power comes from a role group instead.
            models.CheckConstraint(condition=models.Q(is_superuser=False), name="no_superuser_accounts"),
        ]

    def __str__(self) -> str:
        return self.real_name or self.username

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class RoleGrant(models.Model):
    """A role held by a user for one issuing authority (SPEC.md §2: roles are held per authority).

    The installation-wide roles (system admin, enterprise user, the chief technician's own login; see
    chieftech.accounts.roles.INSTALLATION_ROLES) are granted with no authority. The user's Django groups are
    the union of their grants, kept so by accounts.domain.users, so `capability_required` stays the coarse
    gate and the grants decide which authority's objects the user reaches.
    """

    user = models.ForeignKey(User, verbose_name="用户", on_delete=models.CASCADE, related_name="role_grants")
    authority = models.ForeignKey(
        "policy.Authority",
        verbose_name="发证机关",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_grants",
    )
    role = models.CharField("角色", max_length=16)
    granted_at = models.DateTimeField("授予时间", auto_now_add=True)

    class Meta:
        ordering = ["authority_id", "role", "id"]
        verbose_name = "角色授予"
        verbose_name_plural = "角色授予"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "authority", "role"],
                condition=models.Q(authority__isnull=False),
                name="role_grant_unique_per_authority",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=models.Q(authority__isnull=True),
                name="role_grant_unique_installation_wide",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=["sysadmin", "enterprise", "technician"], authority__isnull=True)
                    | (
                        ~models.Q(role__in=["sysadmin", "enterprise", "technician"])
                        & models.Q(authority__isnull=False)
                    )
                ),
                name="role_grant_authority_iff_per_authority_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} {self.authority or '全系统'}"
