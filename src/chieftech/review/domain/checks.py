"""The automatic checks of a re-review: each condition of 第八条 judged from the records, with its reason.

Each condition gets pass (符合), fail (不符合) or judge (待经办人认定) and a Chinese reason citing its article:
(一) from the confirmed status history and the open status reports of the period; (二)(三) from the holder's
declaration, which the officer always checks; (四) always the officer's, shown beside the duties log; (五) from
the mentorship ledger: distinct apprentices with an agreement signed by the day of a certificate at or above
the policy's level issued within the period.

Everything is read in a constant number of queries whatever the number of reviews (a campaign of a thousand
holders is checked at once) and computed here in Python. The numbers and the level come from the review's
policy version, never from this file.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count

from chieftech.core.dates import date_zh
from chieftech.duties.models import (
    Apprentice,
    ApprenticeCertificate,
    DutyActivity,
    DutyKind,
    MentorshipAgreement,
)
from chieftech.policy.models import PolicyVersion, SkillLevel
from chieftech.tenure.domain.terms import review_period
from chieftech.tenure.models import (
    AnnualReview,
    StatusChange,
    StatusChangeState,
    Tenure,
    TenureStatus,
    TenureStatusEvent,
)

PASS, FAIL, JUDGE = "pass", "fail", "judge"
VERDICT_LABELS = {PASS: "符合", FAIL: "不符合", JUDGE: "待经办人认定"}
ARTICLES = {1: "第八条（一）", 2: "第八条（二）", 3: "第八条（三）", 4: "第八条（四）", 5: "第八条（五）"}
TITLES = {
    1: "仍在一线岗位从事技能工作",
    2: "无直接责任的生产安全、技术责任事故",
    3: "无违法违纪行为",
    4: "保持领先水平，发挥首席技师作用",
    5: "徒弟取得职业技能等级证书",
}
ENDED = (TenureStatus.NOT_RENEWED, TenureStatus.REVOKED, TenureStatus.EXPIRED)
OPEN_REPORTS = (StatusChangeState.REPORTED, StatusChangeState.RETURNED)
NO_FILE = "（证书未上传扫描件）"


@dataclass(frozen=True)
class CheckResult:
    number: int
    article: str
    title: str
    verdict: str
    reason: str
    officer_needed: bool

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS[self.verdict]


@dataclass(frozen=True)
class CertificateRow:
    """A certificate on the holder's ledger, as the review page lists it."""

    pk: int
    apprentice_id: int
    apprentice: str
    level: int
    number: str
    issuer: str
    issued_on: date
    has_file: bool
    counted: bool  # at or above the level, within the period, after an agreement
    duplicate_of: tuple[str, ...]  # the other holders claiming the same number or apprentice

    @property
    def level_label(self) -> str:
        return SkillLevel(self.level).label


@dataclass
class _Ledger:
    apprentices: dict[int, tuple[str, str]] = field(default_factory=dict)  # pk -> (name, id_hash)
    agreements: dict[int, list[date]] = field(default_factory=lambda: defaultdict(list))
    # (pk, apprentice_id, level, number, number_key, issuer, issued_on, file)
    certificates: list[tuple] = field(default_factory=list)


@dataclass
class _Facts:
    """Everything the checks of several reviews read, loaded at once."""

    periods: dict[int, tuple[date, date]]  # review pk -> the period under review
    tenures: dict[int, Tenure]
    policies: dict[int, PolicyVersion]
    events: dict[int, list[TenureStatusEvent]]
    changes: dict[int, list[StatusChange]]
    ledgers: dict[int, _Ledger]
    duties: dict[int, list[tuple[str, date]]]
    # id_hash / number_key -> {tenure_id: (holder name, authority id)} for those claimed under more than one term.
    shared_apprentices: dict[str, dict[int, tuple[str, int]]]
    shared_numbers: dict[str, dict[int, tuple[str, int]]]


def review_checks_compute(*, reviews: list[AnnualReview]) -> dict[int, list[CheckResult]]:
    """review pk -> the five results, (一) to (五)."""
    if not reviews:
        return {}
    facts = _facts_load(reviews)
    return {review.pk: _review_checks(review, facts) for review in reviews}


def review_certificates(*, review: AnnualReview) -> list[CertificateRow]:
    """The certificates on the holder's ledger for the review page: counted ones marked, duplicates named."""
    return review_checks_with_certificates(review=review)[1]


def review_checks_with_certificates(
    *, review: AnnualReview
) -> tuple[list[CheckResult], list[CertificateRow]]:
    """One review's five results and its ledger's certificates, from one reading of the records."""
    facts = _facts_load([review])
    return _review_checks(review, facts), _certificate_rows(review, facts)


def review_period_get(*, review: AnnualReview) -> tuple[date, date]:
    """The period of one review whose term (and its policy) is loaded."""
    tenure = review.tenure
    return _period(review, {tenure.pk: tenure}, {tenure.policy_id: review.policy or tenure.policy})


def duty_counts_text(counts: Counter) -> str:
    return "、".join(f"{kind.label}{counts.get(kind.value, 0)}次" for kind in DutyKind)


# --- Loading ----------------------------------------------------------------------------------------------


def _facts_load(reviews: list[AnnualReview]) -> _Facts:
    tenure_ids = {review.tenure_id for review in reviews}
    tenures = {
        t.pk: t
        for t in Tenure.objects.filter(pk__in=tenure_ids).only(
            "pk", "policy_id", "starts_on", "status", "status_since", "authority_id"
        )
    }
    policy_ids = {review.policy_id or tenures[review.tenure_id].policy_id for review in reviews}
    policies = {
        p.pk: p
        for p in PolicyVersion.objects.filter(pk__in=policy_ids).only(
            "pk", "apprentices_per_year", "apprentice_min_level", "review_interval_months"
        )
    }
    periods = {review.pk: _period(review, tenures, policies) for review in reviews}
    until = max(end for _, end in periods.values())
    since = min(start for start, _ in periods.values())

    events: dict[int, list] = defaultdict(list)
    for event in TenureStatusEvent.objects.filter(
        tenure_id__in=tenure_ids, effective_on__lte=until, annulled_at__isnull=True
    ).only("tenure_id", "status", "effective_on"):
        events[event.tenure_id].append(event)
    changes: dict[int, list] = defaultdict(list)
    for change in StatusChange.objects.filter(
        tenure_id__in=tenure_ids, state__in=[*OPEN_REPORTS, StatusChangeState.CONFIRMED]
    ).only("tenure_id", "kind", "state", "effective_on"):
        changes[change.tenure_id].append(change)

    ledgers: dict[int, _Ledger] = defaultdict(_Ledger)
    apprentice_tenure = {}
    for pk, tenure_id, name, id_hash in Apprentice.objects.filter(tenure_id__in=tenure_ids).values_list(
        "pk", "tenure_id", "name", "id_hash"
    ):
        ledgers[tenure_id].apprentices[pk] = (name, id_hash)
        apprentice_tenure[pk] = tenure_id
    for apprentice_id, signed_on in MentorshipAgreement.objects.filter(
        apprentice__tenure_id__in=tenure_ids
    ).values_list("apprentice_id", "signed_on"):
        ledgers[apprentice_tenure[apprentice_id]].agreements[apprentice_id].append(signed_on)
    for row in ApprenticeCertificate.objects.filter(apprentice__tenure_id__in=tenure_ids).values_list(
        "pk", "apprentice_id", "level", "number", "number_key", "issuer", "issued_on", "file"
    ):
        ledgers[apprentice_tenure[row[1]]].certificates.append(row)

    duties: dict[int, list] = defaultdict(list)
    for tenure_id, kind, day in DutyActivity.objects.filter(
        tenure_id__in=tenure_ids, occurred_on__range=(since, until)
    ).values_list("tenure_id", "kind", "occurred_on"):
        duties[tenure_id].append((kind, day))

    return _Facts(
        periods=periods,
        tenures=tenures,
        policies=policies,
        events=events,
        changes=changes,
        ledgers=ledgers,
        duties=duties,
        shared_apprentices=_shared_apprentices(tenure_ids),
        shared_numbers=_shared_numbers(tenure_ids),
    )


def _period(review: AnnualReview, tenures: dict, policies: dict) -> tuple[date, date]:
    """The review's period as its campaign set it, or as the term and the policy give it for a review
    written before its campaign set one."""
    if review.period_start and review.period_end:
        return review.period_start, review.period_end
    tenure = tenures[review.tenure_id]
    policy = policies[review.policy_id or tenure.policy_id]
    return review_period(
        starts_on=tenure.starts_on,
        review_year=review.review_year,
        interval_months=policy.review_interval_months or 12,
    )


def _shared_apprentices(tenure_ids: Iterable[int]) -> dict[str, dict[int, tuple[str, int]]]:
    """The apprentices of these ledgers also on another term's ledger, with every term claiming them."""
    own = Apprentice.objects.filter(tenure_id__in=tenure_ids).values("id_hash")
    shared = (
        Apprentice.objects.filter(id_hash__in=own)
        .values("id_hash")
        .annotate(terms=Count("tenure_id", distinct=True))
        .filter(terms__gt=1)
        .values("id_hash")
    )
    claims: dict[str, dict[int, tuple[str, int]]] = defaultdict(dict)
    for key, tenure_id, name, authority_id in Apprentice.objects.filter(id_hash__in=shared).values_list(
        "id_hash", "tenure_id", "tenure__application__name", "tenure__authority_id"
    ):
        claims[key][tenure_id] = (name, authority_id)
    return claims


def _shared_numbers(tenure_ids: Iterable[int]) -> dict[str, dict[int, tuple[str, int]]]:
    """The certificate numbers of these ledgers also claimed on another term's ledger."""
    own = ApprenticeCertificate.objects.filter(apprentice__tenure_id__in=tenure_ids).values("number_key")
    shared = (
        ApprenticeCertificate.objects.filter(number_key__in=own)
        .values("number_key")
        .annotate(terms=Count("apprentice__tenure_id", distinct=True))
        .filter(terms__gt=1)
        .values("number_key")
    )
    claims: dict[str, dict[int, tuple[str, int]]] = defaultdict(dict)
    for key, tenure_id, name, authority_id in ApprenticeCertificate.objects.filter(
        number_key__in=shared
    ).values_list(
        "number_key",
        "apprentice__tenure_id",
        "apprentice__tenure__application__name",
        "apprentice__tenure__authority_id",
    ):
        claims[key][tenure_id] = (name, authority_id)
    return claims


# --- The five conditions ----------------------------------------------------------------------------------


def _review_checks(review: AnnualReview, facts: _Facts) -> list[CheckResult]:
    tenure = facts.tenures[review.tenure_id]
    policy = facts.policies[review.policy_id or tenure.policy_id]
    return [
        _frontline(review, facts),
        _declaration(2, review.declared_no_accident, review.declaration_note),
        _declaration(3, review.declared_no_violation, review.declaration_note),
        _duties(review, facts),
        _apprentices(review, policy, facts),
    ]


def _result(number: int, verdict: str, reason: str, *, officer_needed: bool) -> CheckResult:
    return CheckResult(
        number=number,
        article=ARTICLES[number],
        title=TITLES[number],
        verdict=verdict,
        reason=reason,
        officer_needed=officer_needed,
    )


def _frontline(review: AnnualReview, facts: _Facts) -> CheckResult:
    """(一): the term's confirmed status through the period; an open report leaves it to the officer."""
    start, end = facts.periods[review.pk]
    status, since = TenureStatus.ACTIVE, None
    during: list[tuple[str, date]] = []
    for event in facts.events.get(review.tenure_id, []):
        if event.effective_on < start:
            status, since = event.status, event.effective_on
        elif event.effective_on <= end:
            during.append((event.status, event.effective_on))
    spans = ([(status, since or start)] if status != TenureStatus.ACTIVE else []) + during
    ended = [(s, day) for s, day in spans if s in ENDED]
    if ended:
        s, day = ended[0]
        return _result(
            1,
            FAIL,
            f"管理期内自{date_zh(day)}起首席技师状态为“{TenureStatus(s).label}”，不符合第八条（一）。",
            officer_needed=False,
        )
    suspended = [day for s, day in spans if s == TenureStatus.SUSPENDED]
    changes = facts.changes.get(review.tenure_id, [])
    if suspended:
        day = suspended[0]
        kinds = [
            c.get_kind_display()
            for c in changes
            if c.state == StatusChangeState.CONFIRMED and c.effective_on == day
        ]
        what = f"（{kinds[0]}）" if kinds else ""
        return _result(
            1,
            JUDGE,
            f"管理期内自{date_zh(day)}起保留资格、停止待遇{what}：依第十六条（一）资格仍保留，"
            "是否仍在一线岗位从事技能工作由经办人认定（第八条（一））。",
            officer_needed=True,
        )
    open_reports = [c for c in changes if c.state in OPEN_REPORTS and c.effective_on <= end]
    if open_reports:
        c = open_reports[0]
        return _result(
            1,
            JUDGE,
            f"有尚未确认的人员变动报告（{c.get_kind_display()}，{date_zh(c.effective_on)}），"
            "请先处理报告，再认定是否仍在一线岗位从事技能工作（第八条（一））。",
            officer_needed=True,
        )
    return _result(1, PASS, "管理期内仍在一线岗位从事技能工作，符合第八条（一）。", officer_needed=False)


DECLARED = {
    2: ("无直接责任的生产安全、技术责任事故", "有直接责任的生产安全或技术责任事故"),
    3: ("无违法违纪行为", "有违法违纪行为"),
}


def _declaration(number: int, declared: bool | None, note: str) -> CheckResult:
    """(二)(三): the holder's word, always checked by the officer."""
    clean, dirty = DECLARED[number]
    article = ARTICLES[number]
    if declared is True:
        return _result(number, JUDGE, f"本人声明{clean}，请经办人核实（{article}）。", officer_needed=True)
    if declared is False:
        said = f"：{note.strip()}" if note.strip() else ""
        return _result(number, FAIL, f"本人声明{dirty}{said}，不符合{article}。", officer_needed=True)
    return _result(number, JUDGE, f"未作声明，请经办人核实是否{clean}（{article}）。", officer_needed=True)


def _duties(review: AnnualReview, facts: _Facts) -> CheckResult:
    """(四): the officer's judgement, beside the duties log of the period."""
    counts = Counter(
        kind
        for kind, day in facts.duties.get(review.tenure_id, [])
        if facts.periods[review.pk][0] <= day <= facts.periods[review.pk][1]
    )
    return _result(
        4,
        JUDGE,
        f"履职记录：{duty_counts_text(counts)}。是否保持领先水平、发挥首席技师作用由经办人认定（第八条（四））。",
        officer_needed=True,
    )


def _certificate_rows(
    review: AnnualReview, facts: _Facts, *, counted_only: bool = False
) -> list[CertificateRow]:
    tenure = facts.tenures[review.tenure_id]
    policy = facts.policies[review.policy_id or tenure.policy_id]
    ledger = facts.ledgers.get(review.tenure_id, _Ledger())
    (start, end), level = facts.periods[review.pk], policy.apprentice_min_level
    rows = []
    for pk, apprentice_id, cert_level, number, number_key, issuer, issued_on, file in ledger.certificates:
        counted = (
            cert_level >= level
            and start <= issued_on <= end
            and any(signed <= issued_on for signed in ledger.agreements.get(apprentice_id, ()))
        )
        if counted_only and not counted:
            continue
        name, id_hash = ledger.apprentices[apprentice_id]
        others = set()
        # Most certificates are claimed once: look up the shared claims only when there are any.
        if id_hash in facts.shared_apprentices:
            others |= _others(facts.shared_apprentices[id_hash], tenure)
        if number_key in facts.shared_numbers:
            others |= _others(facts.shared_numbers[number_key], tenure)
        rows.append(
            CertificateRow(
                pk=pk,
                apprentice_id=apprentice_id,
                apprentice=name,
                level=cert_level,
                number=number,
                issuer=issuer,
                issued_on=issued_on,
                has_file=bool(file),
                counted=counted,
                duplicate_of=tuple(sorted(others)),
            )
        )
    return rows


# Another authority's ledgers are not this officer's to read: the claim is flagged, its holder not named.
OTHER_AUTHORITY_HOLDER = "其他机关的首席技师"


def _others(claims: dict[int, tuple[str, int]], tenure: Tenure) -> set[str]:
    return {
        name if authority_id == tenure.authority_id else OTHER_AUTHORITY_HOLDER
        for pk, (name, authority_id) in claims.items()
        if pk != tenure.pk
    }


def _apprentices(review: AnnualReview, policy: PolicyVersion, facts: _Facts) -> CheckResult:
    """(五): distinct apprentices with a counted certificate. One whose best certificate is doubtful (claimed on
    another ledger, or its scan missing) counts only where the officer accepts it."""
    required = policy.apprentices_per_year
    level = SkillLevel(policy.apprentice_min_level).label
    best: dict[int, CertificateRow] = {}
    for row in _certificate_rows(review, facts, counted_only=True):
        if row.apprentice_id not in best or _doubt(best[row.apprentice_id]) > _doubt(row):
            best[row.apprentice_id] = row
    clean = [row for row in best.values() if not _doubt(row)]
    doubtful = [row for row in best.values() if _doubt(row)]
    names = "、".join(_named(row) for row in [*clean, *doubtful])
    got = f"复核期间有{len(best)}名徒弟取得{level}以上职业技能等级证书：{names}"
    if len(clean) >= required:
        return _result(5, PASS, f"{got}，达到第八条（五）规定的{required}名。", officer_needed=False)
    if len(best) >= required:
        return _result(
            5,
            JUDGE,
            f"{got}；其中有待核实的证书，核实无误方达到第八条（五）规定的{required}名，请经办人认定。",
            officer_needed=True,
        )
    got = f"仅{len(best)}名徒弟" if best else "没有徒弟"
    return _result(
        5,
        FAIL,
        f"复核期间{got}取得{level}以上职业技能等级证书，少于第八条（五）规定的{required}名。",
        officer_needed=False,
    )


def _doubt(row: CertificateRow) -> int:
    return int(bool(row.duplicate_of)) + int(not row.has_file)


def _named(row: CertificateRow) -> str:
    notes = "".join(f"（同时登记在{name}的带徒台账上）" for name in row.duplicate_of)
    return f"{row.apprentice}{notes}{'' if row.has_file else NO_FILE}"
