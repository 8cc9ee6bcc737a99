from datetime import timedelta

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from chieftech.core.pii import EncryptedTextField, mask_phone, validate_uscc
from chieftech.policy.territory import town_in_territory, town_label


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
    # The code of a town of some authority's territory (policy.Town.code), or OUTSIDE_TOWN.
    town = models.CharField("所在镇街", max_length=32)
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

    def get_town_display(self) -> str:
        return town_label(self.town)

    def in_territory(self, authority) -> bool:
        """Whether the enterprise lies in the authority's territory (第六条: 用人单位在辖区内)."""
        return town_in_territory(self.town, authority)

    @property
    def contact_phone_masked(self) -> str:
        return mask_phone(self.contact_phone)


class AccountManager(UserManager):
    def _create_user_object(self, username, email, password, **extra_fields):
        user = super()._create_user_object(username, email, None, **extra_fields)
        user.set_password(password)  # through the model, which records when (password_changed_at)
        return user


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
    # When the password was last set (periodic change, settings.PASSWORD_MAX_AGE_DAYS); empty for an account
    # whose password was set before this was recorded, which then counts as due for a change.
    password_changed_at = models.DateTimeField("密码设置时间", null=True, blank=True)

    objects = AccountManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        permissions = [("manage_staff_user", "可以管理系统用户与角色")]
        constraints = [
            # Separation of duties: a superuser would hold every capability at once (read the audit log,
            # score, approve). Every power comes from a role group instead.
            models.CheckConstraint(condition=models.Q(is_superuser=False), name="no_superuser_accounts"),
            # "Officer" beside "officer" would be two accounts a reader cannot tell apart.
            models.UniqueConstraint(Lower("username"), name="username_unique_ignoring_case"),
        ]

    def __str__(self) -> str:
        return self.real_name or self.username

    def set_password(self, raw_password) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now() if raw_password is not None else None

    def set_unusable_password(self) -> None:
        super().set_unusable_password()
        self.password_changed_at = None

    def password_expired(self, *, max_age_days: int, now) -> bool:
        """Whether the periodic change is due: `max_age_days` (0 = never) have passed since it was set."""
        if max_age_days <= 0 or not self.has_usable_password():
            return False
        return self.password_changed_at is None or now - self.password_changed_at >= timedelta(
            days=max_age_days
        )

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class RoleProposal(models.Model):
    """A change of roles that one system admin proposes and another approves (separation of duties).

    Granting or removing the roles that watch over the others (see roles.DUAL_CONTROL_ROLES) takes two
    people; until a second system admin approves, the account keeps the roles it had.
    """

    class State(models.TextChoices):
        PROPOSED = "proposed", "待复核"
        APPROVED = "approved", "已批准"
        REFUSED = "refused", "未批准"

    user = models.ForeignKey(
        User, verbose_name="账号", on_delete=models.PROTECT, related_name="role_proposals"
    )
    # The authority the roles are held for; empty for the installation-wide ones alone (the system admin).
    authority = models.ForeignKey(
        "policy.Authority",
        verbose_name="发证机关",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    roles_before = models.JSONField("变更前角色", default=list)
    roles_after = models.JSONField("变更后角色", default=list)
    reason = models.TextField("申请理由", blank=True)
    state = models.CharField("状态", max_length=16, choices=State.choices, default=State.PROPOSED)
    proposed_by = models.ForeignKey(User, verbose_name="申请人", on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField("申请时间")
    decided_by = models.ForeignKey(
        User, verbose_name="复核人", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField("复核时间", null=True, blank=True)
    decision_reason = models.TextField("复核意见", blank=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = "角色变更申请"
        verbose_name_plural = "角色变更申请"
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(state="proposed"), name="one_open_role_proposal_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} 角色变更（{self.get_state_display()}）"


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
