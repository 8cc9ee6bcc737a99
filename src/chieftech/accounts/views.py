"""Sign-in, passwords, enterprises with their self-registration, and user accounts.

Each view parses the request, calls one function of accounts.domain and renders. Objects are looked up
through accounts.selectors, so an object outside the user's reach is a 404.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.contrib.auth.models import Group
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from chieftech.accounts import domain
from chieftech.accounts.demo import demo_accounts, demo_password
from chieftech.accounts.forms import (
    EnterpriseEditForm,
    EnterpriseFilterForm,
    EnterpriseForm,
    RefuseForm,
    RegistrationForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
    UserRolesForm,
)
from chieftech.accounts.models import Enterprise, RoleGrant, RoleProposal, User
from chieftech.accounts.roles import (
    ACTING_AUTHORITY_SESSION_KEY,
    Role,
    acting_authorities,
    acting_authority,
    acting_authority_ids,
    roles_held_in,
    roles_need_second_person,
)
from chieftech.accounts.selectors import (
    enterprise_search,
    enterprises_visible_to,
    user_search,
    users_manageable_by,
)
from chieftech.core.badges import badge_css
from chieftech.core.errors import DomainError, add_domain_error
from chieftech.core.middleware import client_ip
from chieftech.core.permissions import capability_required, login_only, public
from chieftech.policy.models import Authority

PAGE_SIZE = 20
ENTERPRISE_FIELDS = [
    "name",
    "uscc",
    "town",
    "industry",
    "industry_focus",
    "address",
    "contact_name",
    "contact_phone",
]
REGISTRATION_FIELDS = [*ENTERPRISE_FIELDS, "username", "password", "email"]
REGISTRATION_SUBMITTED = (
    "申请已提交，我们已向该邮箱发送说明。请查收邮件；申请受理后，可用设置的用户名和密码登录查看审核进度。"
)
MANAGE_USERS = ("accounts.manage_staff_user", "accounts.manage_enterprise_user")


def _labels(role_names, *, none: str = "无") -> str:
    """Role group names as their Chinese labels, in the order of the Role enum."""
    names = set(role_names)
    return "、".join(role.label for role in Role if role.value in names) or none


def _page(request, queryset):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    base = params.urlencode()
    page.base_query = f"{base}&" if base else ""
    return page


# --- Sign-in, sign-out, password ------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.DEMO_MODE:
            context["demo_accounts"] = demo_accounts()
            context["demo_password"] = demo_password()
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        domain.session_record(user=form.get_user(), action="session.login")
        return response


login = public(LoginView.as_view())


@login_only
@require_POST
def logout(request):
    domain.session_record(user=request.user, action="session.logout")
    auth_logout(request)
    messages.success(request, "您已安全退出。")
    return redirect("accounts:login")


@login_only
@require_POST
def acting_authority_switch(request):
    """The header switcher: a user holding roles in several authorities chooses which one they act for."""
    try:
        chosen = int(request.POST.get("authority", ""))
    except ValueError:
        raise Http404("no such authority") from None
    if chosen not in {a.pk for a in acting_authorities(request.user)}:
        raise Http404("no such authority")
    request.session[ACTING_AUTHORITY_SESSION_KEY] = chosen
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("core:home")
    return redirect(next_url)


@login_only
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        domain.user_password_change(user=request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, "密码已修改。")
        return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form})


# --- Self-registration and its review -------------------------------------------------------------


@public
def register(request):
    if request.user.is_authenticated:
        return redirect("core:home")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            domain.enterprise_registration_request(
                ip=client_ip(request), **{f: form.cleaned_data[f] for f in REGISTRATION_FIELDS}
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            # The same words whether it was taken in or its code or name is in use: the mail tells which.
            messages.success(request, REGISTRATION_SUBMITTED)
            return redirect("accounts:login")
    return render(request, "accounts/register.html", {"form": form})


@capability_required("accounts.manage_enterprise")
def registration_list(request):
    pending = (
        enterprises_visible_to(request.user).filter(status=Enterprise.Status.PENDING).order_by("created_at")
    )
    rows = [
        {
            "name": e.name,
            "url": reverse("accounts:enterprise_detail", args=[e.pk]),
            "uscc": e.uscc,
            "town": e.get_town_display(),
            "industry": e.get_industry_display(),
            "contact": f"{e.contact_name} {e.contact_phone_masked}".strip(),
            "submitted": e.created_at,
            "approve_url": reverse("accounts:registration_approve", args=[e.pk]),
            "refuse_url": reverse("accounts:registration_refuse", args=[e.pk]),
        }
        for e in pending
    ]
    return render(request, "accounts/registration_list.html", {"rows": rows})


@capability_required("accounts.manage_enterprise")
@require_POST
def registration_approve(request, pk: int):
    enterprise = get_object_or_404(enterprises_visible_to(request.user), pk=pk)
    try:
        domain.enterprise_registration_approve(actor=request.user, enterprise=enterprise)
    except DomainError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"已审核通过“{enterprise.name}”的注册申请，其经办人已获得企业经办人角色。")
    return redirect("accounts:registration_list")


@capability_required("accounts.manage_enterprise")
def registration_refuse(request, pk: int):
    enterprise = get_object_or_404(enterprises_visible_to(request.user), pk=pk)
    form = RefuseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            domain.enterprise_registration_refuse(
                actor=request.user, enterprise=enterprise, reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"已退回“{enterprise.name}”的注册申请，企业登录后可看到原因。")
            return redirect("accounts:registration_list")
    return render(request, "accounts/registration_refuse.html", {"enterprise": enterprise, "form": form})


@login_only
def registration_resubmit(request):
    """A refused registration's account corrects the data and sends it for review again."""
    if request.user.enterprise_id is None:
        raise Http404("no enterprise")
    enterprise = get_object_or_404(
        enterprises_visible_to(request.user), pk=request.user.enterprise_id, status=Enterprise.Status.REFUSED
    )
    initial = {f: getattr(enterprise, f) for f in ENTERPRISE_FIELDS if f != "contact_phone"}
    form = EnterpriseEditForm(
        request.POST or None,
        initial=initial,
        current_phone_masked=enterprise.contact_phone_masked,
        contact_required=True,
    )
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in ENTERPRISE_FIELDS}
        data["contact_phone"] = data["contact_phone"] or None
        try:
            domain.enterprise_registration_resubmit(actor=request.user, enterprise=enterprise, **data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "注册申请已重新提交，请等待区人社局审核。")
            return redirect("core:home")
    context = {"form": form, "enterprise": enterprise}
    return render(request, "accounts/registration_resubmit.html", context)


# --- Enterprises ----------------------------------------------------------------------------------


@capability_required("accounts.manage_enterprise")
def enterprise_list(request):
    form = EnterpriseFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = (
        enterprise_search(enterprises_visible_to(request.user), **filters)
        .annotate(n_users=Count("users"))
        .order_by("name", "pk")
    )
    page = _page(request, queryset)
    rows = [
        {
            "name": e.name,
            "url": reverse("accounts:enterprise_detail", args=[e.pk]),
            "uscc": e.uscc,
            "town": e.get_town_display(),
            "industry": e.get_industry_display(),
            "focus": e.get_industry_focus_display(),
            "status": e.get_status_display(),
            "status_css": badge_css("enterprise", e.status),
            "n_users": e.n_users,
        }
        for e in page
    ]
    return render(request, "accounts/enterprise_list.html", {"form": form, "page": page, "rows": rows})


def _enterprise_page(request, enterprise: Enterprise, *, revealed_phone: str = ""):
    user = request.user
    can_manage = user.has_perm("accounts.manage_enterprise")
    accounts = enterprise.users.prefetch_related(Prefetch("groups", queryset=Group.objects.only("name")))
    users = [
        {
            "username": u.username,
            "real_name": u.real_name,
            "phone": u.phone_masked,
            "roles": _labels((g.name for g in u.groups.all()), none="无（待审核）"),
            "active": u.is_active,
            "url": reverse("accounts:user_detail", args=[u.pk])
            if user.has_perm("accounts.manage_enterprise_user")
            else "",
        }
        for u in accounts.order_by("username")
    ]
    context = {
        "enterprise": enterprise,
        "status_css": badge_css("enterprise", enterprise.status),
        "users": users,
        "can_manage": can_manage,
        "can_reveal": user.has_perm("accounts.reveal_personal_data"),
        "revealed_phone": revealed_phone,
        "awaiting_decision": can_manage and enterprise.status == Enterprise.Status.PENDING,
    }
    return render(request, "accounts/enterprise_detail.html", context)


@login_only
def enterprise_detail(request, pk: int):
    enterprise = get_object_or_404(enterprises_visible_to(request.user), pk=pk)
    return _enterprise_page(request, enterprise)


@login_only
def my_enterprise(request):
    if request.user.enterprise_id is None:
        raise Http404("no enterprise")
    enterprise = get_object_or_404(enterprises_visible_to(request.user), pk=request.user.enterprise_id)
    return _enterprise_page(request, enterprise)


@capability_required("accounts.reveal_personal_data")
@require_POST
def enterprise_reveal_phone(request, pk: int):
    enterprise = get_object_or_404(enterprises_visible_to(request.user), pk=pk)
    phone = domain.phone_reveal(actor=request.user, obj=enterprise)
    if request.htmx:
        return HttpResponse(format_html('<span class="revealed">{}</span>', phone))
    return _enterprise_page(request, enterprise, revealed_phone=phone)


@capability_required("accounts.manage_enterprise")
def enterprise_create(request):
    form = EnterpriseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = domain.enterprise_create(
                actor=request.user, **{f: form.cleaned_data[f] for f in ENTERPRISE_FIELDS}
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"已登记企业“{enterprise.name}”。")
            return redirect("accounts:enterprise_detail", pk=enterprise.pk)
    return render(request, "accounts/enterprise_form.html", {"form": form, "title": "登记企业"})


@capability_required("accounts.manage_enterprise")
def enterprise_edit(request, pk: int):
    enterprise = get_object_or_404(enterprises_visible_to(request.user), pk=pk)
    initial = {f: getattr(enterprise, f) for f in ENTERPRISE_FIELDS if f != "contact_phone"}
    form = EnterpriseEditForm(
        request.POST or None, initial=initial, current_phone_masked=enterprise.contact_phone_masked
    )
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in ENTERPRISE_FIELDS}
        data["contact_phone"] = data["contact_phone"] or None
        try:
            domain.enterprise_update(actor=request.user, enterprise=enterprise, **data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "企业信息已保存。")
            return redirect("accounts:enterprise_detail", pk=enterprise.pk)
    context = {"form": form, "title": f"修改企业信息：{enterprise.name}", "enterprise": enterprise}
    return render(request, "accounts/enterprise_form.html", context)


# --- Users ----------------------------------------------------------------------------------------


@capability_required(*MANAGE_USERS)
def user_list(request):
    form = UserFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = (
        user_search(users_manageable_by(request.user), **filters)
        .select_related("enterprise")
        .prefetch_related(
            Prefetch("groups", queryset=Group.objects.only("name")),
            Prefetch("role_grants", queryset=RoleGrant.objects.select_related("authority")),
        )
        .order_by("enterprise__name", "username")
        .distinct()
    )
    page = _page(request, queryset)
    several = Authority.objects.count() > 1
    rows = [
        {
            "username": u.username,
            "url": reverse("accounts:user_detail", args=[u.pk]),
            "real_name": u.real_name,
            "roles": _grants_text(u) if several else _labels(g.name for g in u.groups.all()),
            "enterprise": u.enterprise.name if u.enterprise else "",
            "phone": u.phone_masked,
            "active": u.is_active,
            "activated": domain.account_activated(u),
        }
        for u in page
    ]
    staff = request.user.has_perm("accounts.manage_staff_user")
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "title": "用户与角色" if staff else "企业经办人账号",
        "staff": staff,
    }
    return render(request, "accounts/user_list.html", context)


def _grant_authorities(actor):
    """The authorities the actor grants per-authority roles for (the system admin: every one); None for
    the officer, who grants only the installation-wide enterprise role."""
    if not actor.has_perm("accounts.manage_staff_user"):
        return None
    return Authority.objects.filter(pk__in=acting_authority_ids(actor)).order_by("id")


@capability_required(*MANAGE_USERS)
def user_create(request):
    actor = request.user
    roles = domain.grantable_roles(actor)
    staff = actor.has_perm("accounts.manage_staff_user")
    form = UserCreateForm(
        request.POST or None,
        roles=roles,
        enterprise_required=not staff,
        enterprises=None
        if staff
        else enterprises_visible_to(actor).filter(status=Enterprise.Status.ACTIVE).order_by("name"),
        authorities=_grant_authorities(actor),
        initial={"authority": acting_authority(actor)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = domain.user_create(
                actor=actor,
                username=data["username"],
                real_name=data["real_name"],
                phone=data["phone"],
                email=data["email"],
                enterprise=data["enterprise"],
                roles=data["roles"] if "roles" in form.fields else [Role.ENTERPRISE],
                authority=data.get("authority"),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            user = created.user
            messages.success(
                request,
                f"已创建账号“{user.username}”。激活链接已发送到账号持有人的电子邮箱，由其本人设置密码。",
            )
            if created.proposal is not None:
                messages.info(request, PROPOSED_MESSAGE)
            return redirect("accounts:user_detail", pk=user.pk)
    title = "新建账号" if staff else "新建企业经办人账号"
    return render(request, "accounts/user_create.html", {"form": form, "title": title})


PROPOSED_MESSAGE = "审计管理员、系统管理员角色须由另一位系统管理员复核，复核批准后生效。"


def _open_proposal(actor: User, user: User) -> dict | None:
    proposal = (
        user.role_proposals.filter(state=RoleProposal.State.PROPOSED).select_related("proposed_by").first()
    )
    if proposal is None:
        return None
    staff = actor.has_perm("accounts.manage_staff_user")
    return {
        "pk": proposal.pk,
        "before": _labels(proposal.roles_before),
        "after": _labels(proposal.roles_after),
        "reason": proposal.reason,
        "proposed_by": str(proposal.proposed_by),
        "proposed_at": proposal.proposed_at,
        # The proposer may withdraw; only another system admin, not the account itself, may approve.
        "can_approve": staff and actor.pk not in (proposal.proposed_by_id, user.pk),
        "can_refuse": staff,
        "own": actor.pk == proposal.proposed_by_id,
    }


def _grants_text(user: User) -> str:
    """The account's roles by authority, from its prefetched grants: "××市人力资源和社会保障局：经办人"."""
    groups = {g.name for g in user.groups.all()}
    by_authority: dict[str, set[str]] = {}
    for grant in user.role_grants.all():
        if grant.role in groups:
            name = grant.authority.bureau_name if grant.authority else "全系统"
            by_authority.setdefault(name, set()).add(grant.role)
    return "；".join(f"{name}：{_labels(roles)}" for name, roles in by_authority.items()) or "无"


def _grant_rows(user: User) -> list[dict]:
    """The account's roles, per authority ("全系统" for the installation-wide ones)."""
    by_authority: dict[str, set[str]] = {}
    for grant in user.role_grants.select_related("authority"):
        name = grant.authority.bureau_name if grant.authority else "全系统"
        by_authority.setdefault(name, set()).add(grant.role)
    return [{"authority": name, "roles": _labels(roles)} for name, roles in by_authority.items()]


def _roles_authority(request, authorities):
    """The authority whose roles the page edits: the one asked for (?authority=) or the acting one."""
    if authorities is None:
        return None
    asked = request.POST.get("authority") or request.GET.get("authority") or ""
    chosen = authorities.filter(pk=int(asked)).first() if asked.isdigit() else None
    return chosen or acting_authority(request.user)


def _user_page(request, user: User, *, edit_form=None, roles_form=None, revealed_phone=""):
    actor = request.user
    roles = sorted(user.groups.values_list("name", flat=True))
    grantable = domain.grantable_roles(actor)
    authorities = _grant_authorities(actor)
    authority = _roles_authority(request, authorities)
    held_here = sorted(roles_held_in(user, authority)) if authority is not None else roles
    editable_roles = actor.pk != user.pk and set(held_here) <= set(grantable)
    context = {
        "account": user,
        "role_labels": _labels(roles),
        "grant_rows": _grant_rows(user),
        "edit_form": edit_form
        or UserEditForm(
            initial={"real_name": user.real_name, "email": user.email},
            current_phone_masked=user.phone_masked,
        ),
        "roles_form": (
            roles_form
            or UserRolesForm(
                initial={"roles": held_here, "authority": authority},
                roles=grantable,
                authorities=authorities,
            )
        )
        if editable_roles
        else None,
        "roles_authority": authority,
        "authority_choices": [
            {"pk": a.pk, "name": a.bureau_name, "current": a == authority} for a in authorities
        ]
        if authorities is not None and len(authorities) > 1
        else [],
        "can_deactivate": actor.pk != user.pk and user.is_active,
        "activated": domain.account_activated(user),
        "proposal": _open_proposal(actor, user),
        "can_reveal": actor.has_perm("accounts.reveal_personal_data") and bool(user.phone),
        "revealed_phone": revealed_phone,
        "enterprise_url": reverse("accounts:enterprise_detail", args=[user.enterprise_id])
        if user.enterprise_id and actor.has_perm("accounts.manage_enterprise")
        else "",
    }
    return render(request, "accounts/user_detail.html", context)


@capability_required(*MANAGE_USERS)
def user_detail(request, pk: int):
    user = get_object_or_404(users_manageable_by(request.user).select_related("enterprise"), pk=pk)
    if request.method != "POST":
        return _user_page(request, user)
    form = UserEditForm(request.POST, current_phone_masked=user.phone_masked)
    if form.is_valid():
        try:
            domain.user_update(
                actor=request.user,
                user=user,
                real_name=form.cleaned_data["real_name"],
                email=form.cleaned_data["email"],
                phone=form.cleaned_data["phone"] or None,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "账号信息已保存。")
            return redirect("accounts:user_detail", pk=user.pk)
    return _user_page(request, user, edit_form=form)


@capability_required(*MANAGE_USERS)
@require_POST
def user_roles(request, pk: int):
    user = get_object_or_404(users_manageable_by(request.user).select_related("enterprise"), pk=pk)
    form = UserRolesForm(
        request.POST, roles=domain.grantable_roles(request.user), authorities=_grant_authorities(request.user)
    )
    if form.is_valid():
        roles = set(form.cleaned_data["roles"])
        authority = form.cleaned_data.get("authority") or acting_authority(request.user)
        proposed = roles_need_second_person(roles_held_in(user, authority), roles)
        try:
            if proposed:
                domain.role_proposal_create(
                    actor=request.user,
                    user=user,
                    roles=roles,
                    authority=authority,
                    reason=form.cleaned_data["reason"],
                )
            else:
                domain.user_set_roles(actor=request.user, user=user, roles=roles, authority=authority)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request, f"已提交角色变更申请。{PROPOSED_MESSAGE}" if proposed else "角色已更新。"
            )
            return redirect("accounts:user_detail", pk=user.pk)
    return _user_page(request, user, roles_form=form)


@capability_required("accounts.manage_staff_user")
@require_POST
def role_proposal_approve(request, pk: int):
    proposal = get_object_or_404(RoleProposal, pk=pk)
    try:
        domain.role_proposal_approve(actor=request.user, proposal=proposal)
    except DomainError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "已复核批准，角色变更已生效。")
    return redirect("accounts:user_detail", pk=proposal.user_id)


@capability_required("accounts.manage_staff_user")
@require_POST
def role_proposal_refuse(request, pk: int):
    proposal = get_object_or_404(RoleProposal, pk=pk)
    try:
        domain.role_proposal_refuse(
            actor=request.user, proposal=proposal, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, "已撤回该申请。" if proposal.proposed_by_id == request.user.pk else "已不予批准。"
        )
    return redirect("accounts:user_detail", pk=proposal.user_id)


@capability_required("accounts.manage_staff_user")
def role_proposal_list(request):
    proposals = RoleProposal.objects.select_related("user", "proposed_by", "decided_by")
    rows = [
        {
            "username": p.user.username,
            "url": reverse("accounts:user_detail", args=[p.user_id]),
            "before": _labels(p.roles_before),
            "after": _labels(p.roles_after),
            "proposed_by": str(p.proposed_by),
            "proposed_at": p.proposed_at,
            "state": p.get_state_display(),
            "state_css": badge_css("role_proposal", p.state),
            "decided_by": str(p.decided_by) if p.decided_by else "",
            "decision_reason": p.decision_reason,
        }
        for p in proposals[:PAGE_SIZE]
    ]
    return render(request, "accounts/role_proposal_list.html", {"rows": rows})


@capability_required(*MANAGE_USERS)
@require_POST
def user_deactivate(request, pk: int):
    user = get_object_or_404(users_manageable_by(request.user), pk=pk)
    try:
        domain.user_deactivate(actor=request.user, user=user, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"已停用账号“{user.username}”。")
    return redirect("accounts:user_detail", pk=user.pk)


@capability_required(*MANAGE_USERS)
@require_POST
def user_activation_resend(request, pk: int):
    user = get_object_or_404(users_manageable_by(request.user), pk=pk)
    try:
        domain.activation_link_resend(actor=request.user, user=user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已重新发送激活链接到账号持有人的电子邮箱，此前发出的链接已失效。")
    return redirect("accounts:user_detail", pk=user.pk)


@public
def activate(request, uidb64: str, token: str):
    """The holder of a new account sets their own password; the link works once."""
    user = domain.activation_user(uidb64=uidb64, token=token)
    if user is None:
        response = render(request, "accounts/activate.html", {"invalid": True}, status=404)
    elif request.user.is_authenticated:
        # The link is the holder's; whoever is signed in here (often its creator) must not use it.
        response = render(request, "accounts/activate.html", {"signed_in": True}, status=403)
    else:
        form = SetPasswordForm(user, request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                domain.account_activate(
                    uidb64=uidb64, token=token, password=form.cleaned_data["new_password1"]
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, "密码已设置，账号已激活。请使用新密码登录。")
                return redirect("accounts:login")
        response = render(request, "accounts/activate.html", {"form": form, "account": user})
    # The token is in the address: never send it on to another site in a Referer header. Not "no-referrer":
    # under it Chromium sends the form's own POST with "Origin: null", which CSRF protection refuses.
    response["Referrer-Policy"] = "same-origin"
    return response


@capability_required("accounts.reveal_personal_data")
@require_POST
def user_reveal_phone(request, pk: int):
    user = get_object_or_404(users_manageable_by(request.user).select_related("enterprise"), pk=pk)
    phone = domain.phone_reveal(actor=request.user, obj=user)
    if request.htmx:
        return HttpResponse(format_html('<span class="revealed">{}</span>', phone))
    return _user_page(request, user, revealed_phone=phone)
