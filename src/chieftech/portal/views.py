"""The public portal (no login): the district's calls for applications and their blank forms.

Only round-level facts appear here (title, timeline, call text); nothing of any application.
"""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from chieftech.core.permissions import public
from chieftech.portal.selectors import calls_public
from chieftech.selection.domain.rounds import application_deadline_at
from chieftech.selection.models import Round, RoundState


def _cn(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


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
        "title": round_.title,
        "url": reverse("portal:call_detail", args=[round_.pk]),
        "accepting": accepting,
        "status": status,
        "status_css": css,
        "window": f"{_cn(round_.application_opens_on)}至{_cn(round_.application_deadline)}",
        "published": round_.call_published_at,
    }


def _calls(now) -> list[dict]:
    rows = [_call_row(r, now) for r in calls_public()]
    # Open calls first, then the rest, newest first within each group.
    rows.sort(key=lambda row: row["published"] or row["round"].created_at, reverse=True)
    rows.sort(key=lambda row: not row["accepting"])
    return rows


@public
def index(request):
    calls = [row for row in _calls(timezone.now()) if row["accepting"]]
    return render(request, "portal/index.html", {"open_calls": calls})


@public
def call_list(request):
    return render(request, "portal/call_list.html", {"calls": _calls(timezone.now())})


@public
def call_detail(request, pk: int):
    round_ = get_object_or_404(calls_public(), pk=pk)
    row = _call_row(round_, timezone.now())
    timeline = [
        (
            "申报时间",
            f"{_cn(round_.application_opens_on)}至{_cn(round_.application_deadline)}24时（北京时间）",
        ),
        ("资格审查", f"{_cn(round_.review_ends_on)}前完成"),
        ("专家评审", f"{_cn(round_.evaluation_ends_on)}前完成"),
    ]
    context = {
        "call": row,
        "round": round_,
        "timeline": timeline,
        "blank_pdf_url": reverse("selection:blank_form_pdf", args=[round_.pk]),
        "blank_docx_url": reverse("selection:blank_form_docx", args=[round_.pk]),
    }
    return render(request, "portal/call_detail.html", context)
