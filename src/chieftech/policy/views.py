"""Pages for policy versions (view: officer and system admin; register: system admin) and the holiday
schedule (system admin)."""

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from chieftech.accounts.roles import acting_authority, acting_authority_ids, authority_ids_for
from chieftech.core.errors import DomainError, add_domain_error
from chieftech.core.permissions import capability_required
from chieftech.policy.authorities import MANAGE_AUTHORITY, authority_create, authority_update
from chieftech.policy.calendar import (
    YearSource,
    calendar_next_year_warning,
    calendar_years_overview,
    library_covers,
)
from chieftech.policy.domain import (
    calendar_year_save,
    policy_expiry_warnings,
    policy_register,
    policy_successor_defaults,
)
from chieftech.policy.forms import AuthorityForm, CalendarYearForm, PolicyVersionForm, schedule_text
from chieftech.policy.models import Authority, CalendarYear, PolicyVersion
from chieftech.policy.status_effects import STATUS_NAMES, status_effect

# Years the schedule pages accept; outside this range a year in the URL is a typo.
YEAR_MIN, YEAR_MAX = 2000, 2100


def _validity_status(version: PolicyVersion, today) -> tuple[str, str]:
    if today < version.valid_from:
        return "未生效", "status-warn"
    if today > version.valid_until:
        return "已失效", "status-bad"
    return "现行有效", "status-ok"


def _versions_for(user):
    """The policy versions of the authorities the user views policy for (every one for the system admin)."""
    return PolicyVersion.objects.filter(authority_id__in=authority_ids_for(user, "policy.view_policy"))


@capability_required("policy.view_policy")
def policy_list(request):
    today = timezone.localdate()
    rows = []
    for version in _versions_for(request.user).select_related("authority"):
        label, css = _validity_status(version, today)
        rows.append({"version": version, "status": label, "status_class": css})
    several = len({row["version"].authority_id for row in rows}) > 1
    return render(
        request,
        "policy/policy_list.html",
        {
            "rows": rows,
            "warnings": policy_expiry_warnings(
                today=today, authority_ids=authority_ids_for(request.user, "policy.view_policy")
            ),
            "can_manage": request.user.has_perm("policy.manage_policy"),
            "several_authorities": several,
        },
    )


@capability_required("policy.view_policy")
def policy_detail(request, pk: int):
    version = get_object_or_404(_versions_for(request.user).select_related("predecessor", "authority"), pk=pk)
    label, css = _validity_status(version, timezone.localdate())
    successor = PolicyVersion.objects.filter(predecessor=version).first()
    parameters = [
        ("选拔周期", f"每{version.selection_interval_years}年选拔一次", "第四条"),
        ("每次选拔人数", f"{version.quota_per_round}人左右", "第四条"),
        ("管理期", f"{version.management_period_months}个月", "第四条"),
        ("政府津贴", f"每人每月{version.monthly_subsidy}元", "第四条、第十二条"),
        ("最低技能等级", f"{version.get_min_skill_level_display()}以上", "第六条"),
        ("年龄", f"一般不超过{version.max_age}周岁", "第七条（五）"),
        ("优先年龄", f"同等条件下优先{version.priority_age}周岁（含）以下", "第七条（五）"),
        ("公示期", f"{version.notice_working_days}个工作日", "第十条（五）"),
        (
            "复核带徒要求",
            f"每年所带徒弟至少{version.apprentices_per_year}人取得"
            f"{version.get_apprentice_min_level_display()}以上职业技能等级证书",
            "第八条（五）",
        ),
        ("事迹材料", f"{version.deeds_target_chars}字左右", "第十条（二）"),
        (
            "届满提醒",
            "管理期届满前"
            + "、".join(f"{days}天" for days in sorted(version.term_end_reminder_days, reverse=True))
            + "提醒本人、所在单位和经办人",
            "第十六条（二）",
        ),
        *_subsidy_parameters(version),
    ]
    effects = []
    for key, name in STATUS_NAMES.items():
        effect = status_effect(version.status_effects, key)
        effects.append(
            {
                "name": name,
                "title": effect.title_text,
                "benefits": effect.benefits_text,
                "label": effect.label,
                "note": effect.note,
            }
        )
    return render(
        request,
        "policy/policy_detail.html",
        {
            "version": version,
            "status": label,
            "status_class": css,
            "parameters": parameters,
            "effects": effects,
            "successor": successor,
        },
    )


def _subsidy_parameters(version: PolicyVersion) -> list[tuple[str, str, str]]:
    """The subsidy's rules as the detail page lists them (chieftech.subsidy reads them)."""
    interval = version.review_interval_months
    if version.subsidy_taxable:
        tax = f"代扣个人所得税：{version.get_subsidy_income_category_display()}，{version.get_subsidy_tax_rule_display()}"
        if version.subsidy_tax_rate is not None:
            tax += f"，比例{version.subsidy_tax_rate * 100:.2f}%"
    else:
        tax = "不代扣个人所得税"
    return [
        ("津贴发放周期", version.get_subsidy_cadence_display(), "第十二条"),
        ("津贴起计月份", version.get_subsidy_first_month_display(), "第十二条"),
        (
            "首年津贴",
            "管理期起始当年的津贴于次年一并发放"
            if version.subsidy_first_year_deferred
            else "按发放周期当年发放",
            "第十二条",
        ),
        (
            "复核认定",
            f"每{interval}个月复核认定一次，通过后发放其后各月津贴" if interval else "不复核认定",
            "第八条、第十二条",
        ),
        ("津贴个人所得税", tax, "个人所得税法"),
        (
            "复核材料报送",
            f"开启复核后{version.review_submission_working_days}个工作日内报送；"
            f"退回补正的，{version.review_correction_working_days}个工作日内补正",
            "第十一条",
        ),
        (
            "用人单位履职记录",
            f"每年{version.employer_record_reminder_month}月1日起提醒尚未记录当年情况的用人单位",
            "第十三条",
        ),
        (
            "取消资格前的陈述申辩",
            f"告知后{version.revocation_statement_working_days}个工作日内",
            "第十七条",
        ),
        (
            "弄虚作假被取消资格者",
            f"自取消之日起{version.fraud_bar_years}年内不得申报"
            if version.fraud_bar_years
            else "永久不得申报",
            "第十七条（三）",
        ),
    ]


def _authority_field(form, user) -> None:
    """The system admin registers a version for any authority: the acting one unless another is chosen."""
    form.fields["authority"] = forms.ModelChoiceField(
        label="所属机关",
        queryset=Authority.objects.filter(pk__in=acting_authority_ids(user)).order_by("id"),
        initial=acting_authority(user),
        empty_label=None,
        required=False,  # default: the acting authority
    )
    form.order_fields(["authority"])


@capability_required("policy.manage_policy")
def policy_create(request):
    if request.method == "POST":
        form = PolicyVersionForm(request.POST)
        _authority_field(form, request.user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            authority = data.pop("authority") or acting_authority(request.user)
            try:
                version = policy_register(actor=request.user, authority=authority, data=data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, f"已登记政策版本《{version.title}》（{version.document_number}）。")
                return redirect("policy:policy_detail", pk=version.pk)
    else:
        authority = acting_authority(request.user)
        if request.GET.get("authority", "").isdigit():
            authority = (
                Authority.objects.filter(
                    pk__in=acting_authority_ids(request.user), pk=int(request.GET["authority"])
                ).first()
                or authority
            )
        form = PolicyVersionForm(
            initial=policy_successor_defaults(authority=authority, today=timezone.localdate())
        )
        _authority_field(form, request.user)
        form.fields["authority"].initial = authority
    return render(request, "policy/policy_form.html", {"form": form})


@capability_required("policy.manage_calendar")
def calendar_list(request):
    today = timezone.localdate()
    overview = calendar_years_overview(today=today)
    rows = [
        {
            "status": status,
            "status_class": "status-ok"
            if status.usable
            else ("status-warn" if status.source == YearSource.INCOMPLETE else "status-bad"),
            "action": "修改" if status.admin_source else ("修订" if status.usable else "录入"),
        }
        for status in overview
    ]
    return render(
        request,
        "policy/calendar_list.html",
        {
            "rows": rows,
            "next_year_warning": calendar_next_year_warning(today=today, overview=overview),
        },
    )


@capability_required("policy.manage_calendar")
def calendar_year(request, year: int):
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise Http404("年份超出范围")
    existing = CalendarYear.objects.filter(year=year).prefetch_related("days").first()
    if request.method == "POST":
        form = CalendarYearForm(request.POST, year=year)
        if form.is_valid():
            try:
                calendar_year_save(
                    actor=request.user,
                    year=year,
                    source=form.cleaned_data["source"],
                    complete=form.cleaned_data["complete"],
                    days=form.cleaned_data["days"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, f"已保存{year}年的节假日安排。")
                return redirect("policy:calendar_list")
    else:
        initial = {"days": schedule_text(existing)}
        if existing is not None:
            initial.update(source=existing.source, complete=existing.complete)
        form = CalendarYearForm(initial=initial, year=year)
    return render(
        request,
        "policy/calendar_year.html",
        {"form": form, "year": year, "existing": existing, "in_library": library_covers(year)},
    )


# --- Issuing authorities ------------------------------------------------------------------------------


@capability_required(MANAGE_AUTHORITY)
def authority_list(request):
    authorities = Authority.objects.select_related("parent").annotate(
        n_towns=Count("towns", distinct=True), n_versions=Count("policy_versions", distinct=True)
    )
    rows = [
        {
            "authority": a,
            "level": a.get_level_display(),
            "parent": a.parent.bureau_name if a.parent else "",
            "n_towns": a.n_towns,
            "n_versions": a.n_versions,
            "edit_url": reverse("policy:authority_edit", args=[a.pk]),
            "policy_url": f"{reverse('policy:policy_create')}?authority={a.pk}",
        }
        for a in authorities
    ]
    return render(request, "policy/authority_list.html", {"rows": rows})


def _authority_form_page(request, authority: Authority | None):
    form = AuthorityForm(request.POST or None, instance=authority)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.fields}
        try:
            if authority is None:
                saved = authority_create(actor=request.user, data=data)
            else:
                saved = authority_update(actor=request.user, authority=authority, data=data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"已保存发证机关“{saved.bureau_name}”。")
            return redirect("policy:authority_list")
    title = "新增发证机关" if authority is None else f"修改发证机关：{authority.bureau_name}"
    return render(request, "policy/authority_form.html", {"form": form, "title": title})


@capability_required(MANAGE_AUTHORITY)
def authority_create_view(request):
    return _authority_form_page(request, None)


@capability_required(MANAGE_AUTHORITY)
def authority_edit(request, pk: int):
    return _authority_form_page(request, get_object_or_404(Authority, pk=pk))
