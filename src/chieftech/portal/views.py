"""The public portal (no login): the district's calls, current notices, the latest roster, the certificate
look-up and the chief technicians' showcase (第14条(六)).

Nothing personal reaches these pages: name, employer, occupation, the town at most, and what the person
agreed to show. The selectors do not even load ID numbers, phones, bank accounts or street addresses.
"""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from chieftech.core.dates import date_zh
from chieftech.core.downloads import photo_inline
from chieftech.core.permissions import public
from chieftech.portal.selectors import (
    calls_public,
    notices_current,
    roster_rounds_latest,
    roster_tenures,
    showcase_public,
)
from chieftech.selection.domain.rounds import application_deadline_at
from chieftech.selection.models import Round, RoundState
from chieftech.tenure.domain.showcase import photo_content_type
from chieftech.tenure.models import Tenure, TenureStatus

SHOWCASE_TEASER_SIZE = 6
TEASER_SUMMARY_CHARS = 60


def _call_row(round_: Round, now) -> dict:
    accepting = round_.state == RoundState.OPEN and now <= application_deadline_at(round_)
    if accepting:
        status, css = "正在申报", "status-ok"
    elif round_.state == RoundState.CANCELLED:
        status, css = "已撤销", "status-bad"
    elif round_.state in (RoundState.OPEN, RoundState.REVIEW):
        status, css = "已截止", ""
    else:
        status, css = f"已截止（{round_.get_state_display()}）", ""
    return {
        "round": round_,
        "authority": round_.authority.name,
        "title": round_.title,
        "url": reverse("portal:call_detail", args=[round_.pk]),
        "accepting": accepting,
        "status": status,
        "status_css": css,
        "window": f"{date_zh(round_.application_opens_on)}至{date_zh(round_.application_deadline)}",
        "published": round_.call_published_at,
    }


def _calls(now) -> list[dict]:
    rows = [_call_row(r, now) for r in calls_public()]
    # Open calls first, then the rest, newest first within each group.
    rows.sort(key=lambda row: row["published"] or row["round"].created_at, reverse=True)
    rows.sort(key=lambda row: not row["accepting"])
    return rows


def _notice_rows(today) -> list[dict]:
    return [
        {
            "title": notice.title,
            "url": reverse("publicity_public:notice_detail", args=[notice.pk]),
            "period": f"{date_zh(notice.starts_on)}至{date_zh(notice.ends_on)}",
            "issued_by": notice.issued_by,
        }
        for notice in notices_current(today=today)
    ]


def _term(tenure: Tenure) -> str:
    return f"{date_zh(tenure.starts_on)}至{date_zh(tenure.ends_on)}"


def _rosters() -> list[dict]:
    """Each authority's latest published roster, the most recent first (one query for all their people)."""
    rounds = roster_rounds_latest()
    rows: dict[int, list[dict]] = {round_.pk: [] for round_ in rounds}
    for tenure in roster_tenures(rounds):
        application, certificate = tenure.application, tenure.certificate
        rows[application.round_id].append(
            {
                "name": application.name,
                "enterprise": application.enterprise.name,
                "occupation": application.occupation,
                "number": certificate.number,
                "verify_url": reverse("verify:verify", args=[certificate.verification_code]),
                "term": _term(tenure),
                "revoked": tenure.status == TenureStatus.REVOKED,
            }
        )
    return [
        {
            "title": round_.title,
            "authority": round_.authority.name,
            "government": round_.authority.government_name,
            "document_number": round_.government_approval.document_number,
            "approved_on": date_zh(round_.government_approval.approved_on),
            "rows": rows[round_.pk],
        }
        for round_ in rounds
    ]


def _several(values) -> bool:
    """Whether a list shows more than one authority's items, so each item says whose it is."""
    return len(set(values)) > 1


def _showcase_row(tenure: Tenure) -> dict:
    application, enterprise = tenure.application, tenure.enterprise
    summary = tenure.showcase_summary
    return {
        "pk": tenure.pk,
        "name": application.name,
        "initial": application.name[:1],
        "enterprise": enterprise.name,
        "town": enterprise.get_town_display(),
        "occupation": application.occupation,
        "term": _term(tenure),
        "summary": summary,
        "summary_short": summary
        if len(summary) <= TEASER_SUMMARY_CHARS
        else summary[:TEASER_SUMMARY_CHARS] + "……",
        "photo_url": reverse("portal:showcase_photo", args=[tenure.pk]) if tenure.photo else "",
    }


@public
@require_safe
def index(request):
    now = timezone.now()
    showcase = [_showcase_row(t) for t in showcase_public()[:SHOWCASE_TEASER_SIZE]]
    open_calls = [row for row in _calls(now) if row["accepting"]]
    notices = _notice_rows(timezone.localdate(now))
    rosters = _rosters()
    context = {
        "open_calls": open_calls,
        "calls_several": _several(row["authority"] for row in open_calls),
        "notices": notices,
        "notices_several": _several(row["issued_by"] for row in notices),
        "roster": rosters[0] if rosters else None,
        "rosters": rosters,
        "rosters_several": len(rosters) > 1,
        "showcase": showcase,
        "lookup_url": reverse("verify:lookup"),
        "notice_list_url": reverse("publicity_public:notice_list"),
        "roster_url": reverse("verify:roster"),
    }
    return render(request, "portal/index.html", context)


@public
@require_safe
def showcase(request):
    rows = [_showcase_row(t) for t in showcase_public()]
    return render(request, "portal/showcase.html", {"rows": rows})


@public
@require_safe
def showcase_photo(request, pk: int):
    """A consenting chief technician's photo, shown inline as an image and nothing else.

    Uploads are never served by URL; this view finds the photo only through the showcase itself, so a
    withdrawn consent or a revoked title makes it unreachable at once, and no cache keeps a copy.
    """
    tenure = get_object_or_404(
        showcase_public().select_related(None).exclude(photo="").only("pk", "photo"), pk=pk
    )
    return photo_inline(tenure.photo, content_type=photo_content_type(tenure.photo.name), public=True)


@public
@require_safe
def call_list(request):
    calls = _calls(timezone.now())
    context = {"calls": calls, "calls_several": _several(row["authority"] for row in calls)}
    return render(request, "portal/call_list.html", context)


@public
@require_safe
def call_detail(request, pk: int):
    round_ = get_object_or_404(calls_public(), pk=pk)
    row = _call_row(round_, timezone.now())
    timeline = [
        (
            "申报时间",
            f"{date_zh(round_.application_opens_on)}至{date_zh(round_.application_deadline)}24时（北京时间）",
        ),
        ("资格审查", f"{date_zh(round_.review_ends_on)}前完成"),
        ("专家评审", f"{date_zh(round_.evaluation_ends_on)}前完成"),
    ]
    context = {
        "call": row,
        "round": round_,
        "timeline": timeline,
        "blank_pdf_url": reverse("selection:blank_form_pdf", args=[round_.pk]),
        "blank_docx_url": reverse("selection:blank_form_docx", args=[round_.pk]),
    }
    return render(request, "portal/call_detail.html", context)
