"""Who sees which enterprises and accounts. Every look-up of one goes through these querysets, so an
outsider asking for an object it may not know about gets 404."""

from django.db.models import Q, QuerySet

from chieftech.accounts.models import Enterprise, User
from chieftech.accounts.roles import authority_ids_for


def _in_territory(user, capability: str) -> Q:
    """Enterprises in the territory of an authority where `user` holds `capability`: their town belongs to
    it or to an authority below it. An enterprise in a town no authority holds (区外) is everyone's to see,
    as an enterprise registers once for the whole installation."""
    from chieftech.policy.models import Town

    ids = authority_ids_for(user, capability)
    # Levels go 区/县 → 市 → 省: a town is in the territory of its authority and the two above it.
    territory = Town.objects.filter(
        Q(authority_id__in=ids) | Q(authority__parent_id__in=ids) | Q(authority__parent__parent_id__in=ids)
    )
    return Q(town__in=territory.values("code")) | ~Q(town__in=Town.objects.values("code"))


def enterprises_visible_to(user) -> QuerySet[Enterprise]:
    """The officer sees the enterprises in its authorities' territory; an enterprise's account (approved or
    not) sees its own; others none."""
    if not getattr(user, "is_authenticated", False):
        return Enterprise.objects.none()
    if user.has_perm("accounts.manage_enterprise"):
        return Enterprise.objects.filter(_in_territory(user, "accounts.manage_enterprise"))
    if user.enterprise_id is not None:
        return Enterprise.objects.filter(pk=user.enterprise_id)
    return Enterprise.objects.none()


def users_manageable_by(user) -> QuerySet[User]:
    """The system admin manages every account; the officer the accounts of the enterprises in its
    authorities' territory; others none."""
    if not getattr(user, "is_authenticated", False):
        return User.objects.none()
    if user.has_perm("accounts.manage_staff_user"):
        return User.objects.all()
    if user.has_perm("accounts.manage_enterprise_user"):
        territory = Enterprise.objects.filter(_in_territory(user, "accounts.manage_enterprise_user"))
        return User.objects.filter(enterprise__in=territory)
    return User.objects.none()


def enterprise_search(
    queryset: QuerySet[Enterprise],
    *,
    town: str = "",
    industry: str = "",
    industry_focus: str = "",
    status: str = "",
    q: str = "",
) -> QuerySet[Enterprise]:
    if town:
        queryset = queryset.filter(town=town)
    if industry:
        queryset = queryset.filter(industry=industry)
    if industry_focus:
        queryset = queryset.filter(industry_focus=industry_focus)
    if status:
        queryset = queryset.filter(status=status)
    q = q.strip()
    if q:
        queryset = queryset.filter(Q(name__icontains=q) | Q(uscc__icontains=q.upper()))
    return queryset


def user_search(queryset: QuerySet[User], *, q: str = "", role: str = "") -> QuerySet[User]:
    q = q.strip()
    if q:
        queryset = queryset.filter(
            Q(username__icontains=q) | Q(real_name__icontains=q) | Q(enterprise__name__icontains=q)
        )
    if role:
        queryset = queryset.filter(groups__name=role)
    return queryset
