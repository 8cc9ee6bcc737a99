"""Who sees which enterprises and accounts. Every look-up of one goes through these querysets, so an
outsider asking for an object it may not know about gets 404."""

from django.db.models import Q, QuerySet

from chieftech.accounts.models import Enterprise, User


def enterprises_visible_to(user) -> QuerySet[Enterprise]:
    """The officer sees every enterprise; an enterprise's account (approved or not) sees its own; others
    none."""
    if not getattr(user, "is_authenticated", False):
        return Enterprise.objects.none()
    if user.has_perm("accounts.manage_enterprise"):
        return Enterprise.objects.all()
    if user.enterprise_id is not None:
        return Enterprise.objects.filter(pk=user.enterprise_id)
    return Enterprise.objects.none()


def users_manageable_by(user) -> QuerySet[User]:
    """The system admin manages every account; the officer the enterprises' accounts; others none."""
    if not getattr(user, "is_authenticated", False):
        return User.objects.none()
    if user.has_perm("accounts.manage_staff_user"):
        return User.objects.all()
    if user.has_perm("accounts.manage_enterprise_user"):
        return User.objects.filter(enterprise__isnull=False)
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
