"""The officer's register of chief technicians (首席技师名册): the filtered list, each person's page with the
timeline, and the Excel export. Officers of the term's authority only; another authority's term is 404."""

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe

from chieftech.accounts.models import Industry
from chieftech.accounts.roles import authority_ids_for
from chieftech.core.badges import badge_css
from chieftech.core.dates import date_zh
from chieftech.core.downloads import document_download
from chieftech.core.permissions import capability_required
from chieftech.core.pii import mask_bank_account, mask_phone
from chieftech.duties.models import DutyKind
from chieftech.duties.selectors import duty_count_rows, duty_counts, duty_counts_text
from chieftech.policy.territory import town_filter_choices
from chieftech.revocation.models import CaseState, RevocationCase
from chieftech.tenure.domain.bank_accounts import bank_accounts_current
from chieftech.tenure.domain.holders import holder_account_state
from chieftech.tenure.domain.register import (
    ENDING_SOON,
    REGISTER_DEFERRED,
    RegisterChoices,
    ending_window,
    register_choices,
    register_counts,
    register_filter,
    register_rows,
    register_tenures,
)
from chieftech.tenure.domain.showcase import showcase_visible
from chieftech.tenure.domain.timeline import TIMELINE_RELATED, tenure_timeline
from chieftech.tenure.exports import register_export
from chieftech.tenure.models import Tenure, TenureStatus
from chieftech.tenure.views import _certificate_number, _consent_text, _portal_state

MANAGE_TENURE = "tenure.manage_tenure"
PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ANY = [("", "全部")]


class RegisterFilterForm(forms.Form):
    """The register's filters as a plain GET form; the filtering itself is register_filter's, which
    ignores a value that is not a choice."""

    q = forms.CharField(label="姓名", required=False, max_length=50)
    status = forms.ChoiceField(label="状态", required=False, choices=ANY + TenureStatus.choices)
    round = forms.ChoiceField(label="选拔批次", required=False)
    enterprise = forms.ChoiceField(label="工作单位", required=False)
    town = forms.ChoiceField(label="镇街", required=False, choices=lambda: ANY + town_filter_choices())
    industry = forms.ChoiceField(label="行业", required=False, choices=ANY + Industry.choices)
    ending = forms.ChoiceField(
        label="管理期届满", required=False, choices=[*ANY, (ENDING_SOON, "届满提醒期内")]
    )

    def __init__(self, *args, choices: RegisterChoices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].choices = ANY + [(str(pk), title) for pk, title in choices.rounds]
        self.fields["enterprise"].choices = ANY + [(str(pk), name) for pk, name in choices.enterprises]


def _query(params, **changes) -> str:
    """The current filters with `changes` (None drops a parameter), without the page."""
    query = {key: value for key, value in params.items() if value and key != "page"}
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    return f"?{urlencode(query)}" if query else "?"


def _status_tallies(params, counts: dict, list_url: str) -> list[dict]:
    """Counts per status of the other filters; each narrows the list to its status."""
    current = params.get("status", "")
    tallies = [
        {
            "label": "全部",
            "count": counts["total"],
            "url": list_url + _query(params, status=None),
            "current": current not in TenureStatus.values,
            "css": "",
        }
    ]
    for status in TenureStatus:
        tallies.append(
            {
                "label": status.label,
                "count": counts[status.value],
                "url": list_url + _query(params, status=status.value),
                "current": current == status.value,
                "css": badge_css("tenure", status.value),
            }
        )
    return tallies


def _row(tenure: Tenure, account, duties: dict[str, int]) -> dict:
    duties_total, duties_text = duty_counts_text(duties)
    return {
        "name": tenure.application.name,
        "url": reverse("tenure:tenure_detail", args=[tenure.pk]),
        "round": tenure.application.round.title,
        "enterprise": tenure.enterprise.name,
        "town": tenure.enterprise.get_town_display(),
        "occupation": tenure.application.occupation,
        "certificate": _certificate_number(tenure),
        "term": f"{tenure.starts_on:%Y-%m-%d} 至 {tenure.ends_on:%Y-%m-%d}",
        "status": tenure.get_status_display(),
        "status_since": f"{tenure.status_since:%Y-%m-%d}",
        "status_css": badge_css("tenure", tenure.status),
        "phone": mask_phone(tenure.application.phone),
        "bank_account": mask_bank_account(account.number) if account is not None else "",
        "consent": _consent_text(tenure),
        "on_portal": showcase_visible(tenure),
        "portal_state": _portal_state(tenure),
        "showcase_url": reverse("tenure:tenure_showcase", args=[tenure.pk]),
        "duties": duties_total,
        "duties_text": duties_text,
    }


@capability_required(MANAGE_TENURE)
@require_safe
def tenure_list(request):
    """首席技师名册: every term of the officer's authorities, filtered, 50 to a page."""
    authority_ids = authority_ids_for(request.user, MANAGE_TENURE)
    params = request.GET
    choices = register_choices(authority_ids=authority_ids)
    window = ending_window(authority_ids=authority_ids, today=timezone.localdate())
    tenures = register_tenures(authority_ids=authority_ids)
    counts = register_counts(register_filter(tenures, params=params, window=window, with_status=False))
    page = Paginator(
        register_rows(register_filter(tenures, params=params, window=window)), PAGE_SIZE
    ).get_page(params.get("page"))
    accounts = bank_accounts_current(tenures=list(page))
    # The duties log of the calendar year so far (第15条), one query for the page.
    year = timezone.localdate().year
    duties = duty_counts(tenure_ids=[tenure.pk for tenure in page], year=year)
    base = _query(params)[1:]
    page.base_query = f"{base}&" if base else ""
    list_url = reverse("tenure:tenure_list")
    context = {
        "form": RegisterFilterForm(params or None, choices=choices),
        "page": page,
        "rows": [
            _row(tenure, accounts.get(tenure.pk), duties.get(tenure.pk, {}).get(year, {})) for tenure in page
        ],
        "duties_year": year,
        "tallies": _status_tallies(params, counts, list_url),
        "export_url": reverse("tenure:register_export") + _query(params),
        "filtered": any(params.get(name) for name in RegisterFilterForm.base_fields),
    }
    return render(request, "tenure/tenure_list.html", context)


HOLDER_ACCOUNT_STATES = {
    "none": "未开通",
    "invited": "已发送激活链接，本人尚未设置密码",
    "active": "已开通",
    "deactivated": "已停用",
}


@capability_required(MANAGE_TENURE)
@require_safe
def tenure_detail(request, pk: int):
    """One chief technician: the term and its status, and the timeline of what happened."""
    tenures = register_tenures(authority_ids=authority_ids_for(request.user, MANAGE_TENURE))
    tenure = get_object_or_404(
        tenures.select_related("policy", "user", *TIMELINE_RELATED).defer(*REGISTER_DEFERRED), pk=pk
    )
    application = tenure.application
    context = {
        "tenure": tenure,
        "name": application.name,
        "round": application.round.title,
        "enterprise": tenure.enterprise.name,
        "town": tenure.enterprise.get_town_display(),
        "occupation": application.occupation,
        "certificate": _certificate_number(tenure),
        "term": f"{date_zh(tenure.starts_on)}至{date_zh(tenure.ends_on)}",
        "status": tenure.get_status_display(),
        "status_since": date_zh(tenure.status_since),
        "status_css": badge_css("tenure", tenure.status),
        "phone": mask_phone(application.phone),
        "consent": _consent_text(tenure),
        "on_portal": showcase_visible(tenure),
        "portal_state": _portal_state(tenure),
        "showcase_url": reverse("tenure:tenure_showcase", args=[tenure.pk]),
        "account": HOLDER_ACCOUNT_STATES[holder_account_state(tenure)],
        "invite_url": reverse("tenure:holder_invite", args=[tenure.pk]),
        "timeline": [
            {"on": date_zh(event.on), "title": event.title, "detail": event.detail, "actor": event.actor}
            for event in tenure_timeline(tenure)
        ],
        **_duties_context(tenure),
        **_revocation_context(request.user, tenure),
    }
    return render(request, "tenure/tenure_detail.html", context)


def _revocation_context(user, tenure: Tenure) -> dict:
    """The term's revocation cases (第十七条) and, while the title stands and no case runs, where to open one."""
    cases = list(RevocationCase.objects.filter(tenure=tenure).only("pk", "kind", "state", "opened_at"))
    live = any(c.state in (CaseState.OPEN, CaseState.FOUND, CaseState.ENDORSED) for c in cases)
    may_open = (
        tenure.status != TenureStatus.REVOKED and not live and user.has_perm("revocation.case_open", tenure)
    )
    return {
        "revocation_cases": [
            {
                "kind": c.get_kind_display(),
                "state": c.get_state_display(),
                "opened_on": date_zh(c.opened_at),
                "url": reverse("revocation:case_detail", args=[c.pk]),
            }
            for c in cases
        ],
        "revocation_open_url": reverse("revocation:case_open", args=[tenure.pk]) if may_open else "",
    }


def _duties_context(tenure: Tenure) -> dict:
    """The duties log counted by calendar year and kind (第15条), and the ledger's and the log's pages."""
    counts = duty_counts(tenure_ids=[tenure.pk]).get(tenure.pk, {})
    return {
        "duty_kinds": DutyKind.labels,
        "duty_rows": duty_count_rows(counts),
        "ledger_url": reverse("duties:ledger", args=[tenure.pk]),
        "log_url": reverse("duties:log", args=[tenure.pk]),
    }


@capability_required(MANAGE_TENURE)
@require_GET
@never_cache
def register_export_xlsx(request):
    """The filtered register as .xlsx, masked; the export is audited."""
    authority_ids = authority_ids_for(request.user, MANAGE_TENURE)
    export = register_export(
        actor=request.user,
        authority_ids=authority_ids,
        params=request.GET,
        choices=register_choices(authority_ids=authority_ids),
        window=ending_window(authority_ids=authority_ids, today=timezone.localdate()),
    )
    return document_download(
        export.file, content_type=XLSX, filename=export.filename, fallback="chief-technicians.xlsx"
    )
