"""The public roster of chief technicians and certificate verification (no login).

Only certificates of published rounds are public. These pages name a person, their work unit, occupation,
certificate number and term — never an ID number, phone or bank account, which are never even loaded.
"""

import re
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from chieftech.certificates.domain import (
    CODE_ALPHABET,
    certificate_number_normalise,
    certificate_status,
    verification_code_normalise,
)
from chieftech.certificates.models import Certificate
from chieftech.core.dates import date_zh, datetime_zh
from chieftech.core.middleware import client_ip
from chieftech.core.permissions import public, public_cached
from chieftech.core.ratelimit import RateLimit, rate_limit_hit
from chieftech.policy.wording import authority_values, wording_render
from chieftech.revocation.models import CaseKind, CaseState, RevocationCase
from chieftech.selection.models import Round, RoundState
from chieftech.tenure.domain.public_pages import ROSTER_LATEST_TAG, roster_page_tag, verify_page_tag
from chieftech.tenure.models import TenureStatus

NOT_FOUND = "未找到该证书，请核对查验码或证书编号。"
BLANK = "请输入证书查验码或证书编号。"
TOO_MANY = "查验次数过多，请一小时后再试。"
# Columns that hold personal data or long text: the public pages never load them.
PRIVATE_FIELDS = (
    "tenure__application__id_number",
    "tenure__application__phone",
    "tenure__application__deeds",
    "tenure__application__apprentices_summary",
    "tenure__application__enterprise_opinion",
    "tenure__application__enterprise__contact_phone",
    "tenure__application__enterprise__address",
    "tenure__enterprise__contact_phone",
    "tenure__enterprise__address",
)


def _plausible(code: str) -> bool:
    """Whether `code` could be a verification code at all: anything else is not looked up (a NUL byte or
    a megabyte of text never reaches the database)."""
    return 0 < len(code) <= 32 and all(ch in CODE_ALPHABET for ch in code)


def _published_rounds():
    return (
        Round.objects.filter(state=RoundState.PUBLISHED, government_approval__published_at__isnull=False)
        .select_related("government_approval", "authority")
        .order_by("-government_approval__published_at", "-id")
    )


def public_certificates():
    """Certificates of published rounds, with what the public pages show."""
    return (
        Certificate.objects.filter(tenure__application__round__state=RoundState.PUBLISHED)
        .select_related(
            "tenure__application__round__government_approval",
            "tenure__application__round__authority",
            "tenure__application__enterprise",
            "tenure__enterprise",
            "tenure__policy",
        )
        .defer(*PRIVATE_FIELDS)
    )


def approval_line(round_: Round, *, document_number: str, published_on: str) -> str:
    """The roster's source line in the authority's approval wording (who decided, who approved, when)."""
    values = {
        **authority_values(round_.authority),
        "year": round_.year,
        "document_number": document_number,
        "published_on": published_on,
    }
    return wording_render(round_.authority.approval_wording, values)


def _roster_tags(request) -> list[str]:
    wanted = request.GET.get("round", "")
    return [roster_page_tag(wanted) if wanted.isdigit() else ROSTER_LATEST_TAG]


def _verify_tags(request, code: str) -> list[str]:
    return [verify_page_tag(code)]


@public_cached(tags=_roster_tags)
@require_safe
def roster(request):
    """The latest published roster (or the one asked for by ?round=), the other published rounds below."""
    rounds = list(_published_rounds())
    wanted = request.GET.get("round", "")
    current = next((r for r in rounds if str(r.pk) == wanted), None)
    if wanted and current is None:
        # Only a published round's own key names a roster. Anything else ("07", "99999", "１") goes to the
        # latest one's address: shown here, it would be cached under a tag no change ever purges.
        return redirect("verify:roster")
    current = current or (rounds[0] if rounds else None)
    rows = []
    verify_prefix = reverse("verify:lookup")
    if current is not None:
        today = timezone.localdate()
        # The government's document that revoked a title (第十七条), named beside the status on the roster.
        revoked_by = (
            RevocationCase.objects.filter(
                tenure=OuterRef("tenure"), state=CaseState.APPROVED, kind=CaseKind.REVOKE
            )
            .exclude(annulments__state=CaseState.APPROVED)
            .values("government_document_number")[:1]
        )
        certificates = (
            public_certificates()
            .filter(tenure__application__round=current)
            .annotate(revoked_by=Subquery(revoked_by))
            .order_by("number")
        )
        for certificate in certificates:
            tenure = certificate.tenure
            application = tenure.application
            status = certificate_status(certificate, today)
            rows.append(
                {
                    "name": application.name,
                    "enterprise": application.enterprise.name,
                    "occupation": application.occupation,
                    "number": certificate.number,
                    "url": f"{verify_prefix}{certificate.verification_code}/",
                    "term": f"{date_zh(tenure.starts_on)}至{date_zh(tenure.ends_on)}",
                    "status": status.label,
                    "status_css": status.css,
                    "revoked_by": certificate.revoked_by if tenure.status == TenureStatus.REVOKED else "",
                }
            )
    # With several authorities' rosters, each round says whose it is.
    several = len({r.authority_id for r in rounds}) > 1
    others = [
        {
            "title": f"{r.authority.name}：{r.title}" if several else r.title,
            "url": f"?round={r.pk}",
            "document_number": r.government_approval.document_number,
            "published_on": date_zh(timezone.localdate(r.government_approval.published_at)),
        }
        for r in rounds
        if r is not current
    ]
    context = {"round": current, "rows": rows, "others": others, "several": several}
    if current is not None:
        approval = current.government_approval
        context["document_number"] = approval.document_number
        context["published_on"] = date_zh(timezone.localdate(approval.published_at))
        context["approval_line"] = approval_line(
            current, document_number=approval.document_number, published_on=context["published_on"]
        )
    return render(request, "certificates/roster.html", context)


@public_cached(tags=_verify_tags)
@require_safe
def verify(request, code: str):
    normalised = verification_code_normalise(code)
    certificate = (
        public_certificates().filter(verification_code=normalised).first() if _plausible(normalised) else None
    )
    if certificate is None:
        return render(request, "certificates/verify_not_found.html", {"code": code[:40]}, status=404)
    if normalised != code:
        return redirect("verify:verify", code=normalised)
    now = timezone.localtime()
    tenure = certificate.tenure
    application = tenure.application
    round_ = application.round
    status = certificate_status(certificate, now.date())
    approval = getattr(round_, "government_approval", None)
    context = {
        "certificate": certificate,
        "status": status,
        "facts": [
            ("姓名", application.name),
            ("现工作单位", tenure.enterprise.name),
            ("职业（工种）", application.occupation),
            ("证书编号", certificate.number),
            ("选拔批次", round_.title),
            ("批准文号", approval.document_number if approval else ""),
            ("管理期", f"{date_zh(tenure.starts_on)}至{date_zh(tenure.ends_on)}"),
            ("发证日期", date_zh(certificate.issued_on)),
        ],
        "issuer": round_.authority.bureau_name,
        "checked_at": datetime_zh(now),
    }
    return render(request, "certificates/verify.html", context)


def _code_from_input(value: str) -> str:
    """A code typed in, or the whole verification address a QR reader shows."""
    value = (value or "").strip()
    if "/verify/" in value:
        try:
            path = urlsplit(value).path if "://" in value else value
        except ValueError:  # not an address after all (e.g. an unclosed "[")
            path = value
        value = path.rstrip("/").rsplit("/", 1)[-1]
    return verification_code_normalise(value)


NUMBER_CHARS = re.compile(r"[A-Z0-9-]+")


def _lookup_rate() -> RateLimit:
    return RateLimit(
        scope="verify-lookup-ip", limit=settings.VERIFY_LOOKUPS_PER_IP_PER_HOUR, window=timedelta(hours=1)
    )


def _certificate_code(value: str) -> str | None:
    """The verification code of the public certificate that `value` names, by its code (or the address a
    QR reader shows) or by its certificate number; None when there is none."""
    code = _code_from_input(value)
    if _plausible(code) and public_certificates().filter(verification_code=code).exists():
        return code
    number = certificate_number_normalise(value)
    # Numbers are letters, digits and hyphens; anything else (a NUL byte, which PostgreSQL refuses in a
    # query) names no certificate.
    if 0 < len(number) <= Certificate._meta.get_field("number").max_length and NUMBER_CHARS.fullmatch(number):
        return public_certificates().filter(number=number).values_list("verification_code", flat=True).first()
    return None


@public
@require_safe
def lookup(request):
    """The look-up box: ?code=… (a verification code or a certificate number) goes to that certificate's page;
    a blank or unknown one is told so at the field. Look-ups from one address are limited per hour."""
    error = ""
    status = 200
    value = request.GET.get("code")
    if value is not None:
        if not _code_from_input(value):
            error = BLANK
        elif not rate_limit_hit(_lookup_rate(), client_ip(request) or "unknown"):
            error, status = TOO_MANY, 429
        elif code := _certificate_code(value):
            return redirect("verify:verify", code=code)
        else:
            error = NOT_FOUND
    return render(
        request, "certificates/lookup.html", {"value": (value or "")[:100], "error": error}, status=status
    )
