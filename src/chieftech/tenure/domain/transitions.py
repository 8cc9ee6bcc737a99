"""The term's status (第11条, 第16条, 第17条): which may follow which, and the one function that moves it.

Every change of a tenure's status goes through `tenure_transition` (chieftech.audit.transitions: row locked,
status re-checked, changed fields saved, one audit record). The status changes, the re-review, the end of
terms and revocation of the next issues call it.
"""

from collections.abc import Callable
from datetime import date

from django.db import transaction
from django.utils import timezone

import chieftech.tenure.rules  # noqa: F401  (declares the rules asked here)
from chieftech.audit.transitions import transition_many
from chieftech.core.dates import date_zh
from chieftech.core.errors import DomainError
from chieftech.core.permissions import require_perm
from chieftech.tenure.domain.public_pages import public_pages_purge_for_tenures
from chieftech.tenure.models import Tenure, TenureStatus, TenureStatusEvent

# 第16条(一): benefits stop and may be reinstated while the title stays. Not renewed at re-review (第11条) and
# expiry end the term; revocation (第17条) may still follow them, e.g. fraud found later (第17条(三)).
TENURE_TRANSITIONS: dict[str, frozenset[str]] = {
    TenureStatus.ACTIVE: frozenset(
        {TenureStatus.SUSPENDED, TenureStatus.NOT_RENEWED, TenureStatus.EXPIRED, TenureStatus.REVOKED}
    ),
    TenureStatus.SUSPENDED: frozenset(
        {TenureStatus.ACTIVE, TenureStatus.NOT_RENEWED, TenureStatus.EXPIRED, TenureStatus.REVOKED}
    ),
    TenureStatus.NOT_RENEWED: frozenset({TenureStatus.REVOKED}),
    TenureStatus.EXPIRED: frozenset({TenureStatus.REVOKED}),
    TenureStatus.REVOKED: frozenset(),
}
TENURE_ACTIONS: dict[str, str] = {
    TenureStatus.ACTIVE: "tenure.reinstate",
    TenureStatus.SUSPENDED: "tenure.suspend",
    TenureStatus.NOT_RENEWED: "tenure.not_renew",
    TenureStatus.EXPIRED: "tenure.expire",
    TenureStatus.REVOKED: "tenure.revoke",
}


def tenure_transition(
    *, actor, tenure: Tenure, to_status: str, effective_on: date, reason: str = ""
) -> Tenure:
    """The one way a term's status changes, effective on `effective_on` (kept as `status_since`: the subsidy
    stops from the month after it). The date may not precede the term's start or the current status's.
    The officer of the term's authority confirms every change (第十六条); the system itself (actor None)
    may only end a term whose management period is over (第十六条(二), tenure.domain.term_end)."""
    [saved] = tenures_transition(
        actor=actor, tenures=[tenure], to_status=to_status, effective_on=effective_on, reason=reason
    )
    return saved


def tenures_transition(
    *,
    actor,
    tenures: list[Tenure],
    to_status: str,
    effective_on: date | Callable[[Tenure], date],
    reason: str = "",
) -> list[Tenure]:
    """`tenure_transition` of several terms at once, all or none (the daily end of a cohort's terms):
    `effective_on` may be a function of each locked term."""
    if actor is None:
        if to_status != TenureStatus.EXPIRED:
            raise DomainError("只有管理期届满可以由系统自动变更状态。", code="system_not_allowed")
    else:
        for tenure in tenures:
            if to_status == TenureStatus.REVOKED:
                require_perm(
                    actor,
                    "tenure.tenure_revoke",
                    tenure,
                    "取消首席技师资格须经初步认定、领导小组审定，由本机关的政府经办人登记批准后生效。",
                )
            else:
                require_perm(
                    actor, "tenure.tenure_move", tenure, "只有本机关的人社局经办人可以确认管理期状态变更。"
                )

    def effective(locked: Tenure) -> date:
        return effective_on(locked) if callable(effective_on) else effective_on

    def check(locked: Tenure) -> None:
        day = effective(locked)
        if actor is None and day <= locked.ends_on:
            raise DomainError(
                f"管理期至{date_zh(locked.ends_on)}届满，此前不能自动转为期满。",
                field="effective_on",
                code="bad_date",
            )
        if day < locked.starts_on:
            raise DomainError(
                f"生效日期不能早于管理期起始日期{date_zh(locked.starts_on)}。",
                field="effective_on",
                code="bad_date",
            )
        if day < locked.status_since:
            raise DomainError(
                f"生效日期不能早于当前状态的生效日期{date_zh(locked.status_since)}。",
                field="effective_on",
                code="bad_date",
            )

    froms: dict[int, str] = {}

    def check_and_remember(locked: Tenure) -> None:
        check(locked)
        froms[locked.pk] = locked.status

    with transaction.atomic():
        moved = _move(tenures, to_status, actor, reason, check_and_remember, effective)
        # The confirmed history the subsidy reads month by month (第十二条), in the same transaction.
        recorded_at = timezone.now()
        TenureStatusEvent.objects.bulk_create(
            TenureStatusEvent(
                tenure_id=t.pk,
                from_status=froms[t.pk],
                status=to_status,
                effective_on=t.status_since,
                recorded_at=recorded_at,
                reason=reason,
            )
            for t in moved
        )
        # Months already paid that the new status stops become amounts to recover at once (第十二条); the
        # import is here because the subsidy app reads the tenure app.
        from chieftech.subsidy.domain.recovery import recoveries_detect

        recoveries_detect(tenures=moved)
    # The verification page and the roster show the new status from the commit on, not a minute later.
    public_pages_purge_for_tenures(moved)
    return moved


def _locked_rows():
    """The term as a transition locks it: the record names the person (Tenure.__str__), so the row is read with
    the name, without the long or encrypted texts."""
    return Tenure.objects.select_related("application").only(
        *[f.name for f in Tenure._meta.concrete_fields if f.name not in ("bank_account", "showcase_summary")],
        "application__name",
    )


def _move(tenures, to_status, actor, reason, check, effective) -> list[Tenure]:
    return transition_many(
        tenures,
        to=to_status,
        table=TENURE_TRANSITIONS,
        what="首席技师资格",
        field="status",
        actor=actor,
        action=TENURE_ACTIONS.get(to_status, "tenure.transition"),
        reason=reason,
        queryset=_locked_rows(),
        check=check,
        changes=lambda locked: {"status_since": effective(locked)},
        before=lambda locked: {"status_since": locked.status_since},
        after=lambda locked: {"status_since": effective(locked)},
    )


# 第十七条: an approved revocation annulled (after administrative reconsideration or a court's judgment, by the
# same three steps: chieftech.revocation) puts the term back to the status it had, as if never revoked.
ANNUL_TRANSITIONS: dict[str, frozenset[str]] = {
    TenureStatus.REVOKED: frozenset(
        {TenureStatus.ACTIVE, TenureStatus.SUSPENDED, TenureStatus.NOT_RENEWED, TenureStatus.EXPIRED}
    ),
}


def tenure_revocation_annul(*, actor, tenure: Tenure, reason: str, now=None) -> Tenure:
    """The revocation of `tenure` is void: its status event is marked annulled (the subsidy and the re-review
    read the history without it), the term returns to the status and date it had before, and the recoveries of
    the months it stopped are undone (chieftech.subsidy: months taken back are owed again, as 补发). Only the
    government of the term's authority records it, on approving the annulment."""
    require_perm(
        actor,
        "tenure.tenure_revoke",
        tenure,
        "撤销取消资格决定须经初步认定、领导小组审定，由本机关的政府经办人登记批准后生效。",
    )
    now = now or timezone.now()
    with transaction.atomic():
        revoked = (
            TenureStatusEvent.objects.select_for_update()
            .filter(tenure_id=tenure.pk, status=TenureStatus.REVOKED, annulled_at__isnull=True)
            .order_by("-effective_on", "-recorded_at", "-pk")
            .first()
        )
        if revoked is None:
            raise DomainError("该首席技师的资格未被取消，无需撤销。", code="not_revoked")
        earlier = (
            TenureStatusEvent.objects.filter(tenure_id=tenure.pk, annulled_at__isnull=True)
            .exclude(pk=revoked.pk)
            .order_by("-effective_on", "-recorded_at", "-pk")
            .values_list("effective_on", flat=True)
            .first()
        )
        restored_since = earlier or tenure.starts_on
        [moved] = transition_many(
            [tenure],
            to=revoked.from_status,
            table=ANNUL_TRANSITIONS,
            what="首席技师资格",
            field="status",
            actor=actor,
            action="tenure.revocation_annulled",
            reason=reason,
            queryset=_locked_rows(),
            changes={"status_since": restored_since},
            before=lambda locked: {"status_since": locked.status_since},
            after={"status_since": restored_since},
        )
        revoked.annulled_at, revoked.annulled_reason = now, reason
        revoked.save(update_fields=["annulled_at", "annulled_reason"])
        from chieftech.subsidy.domain.recovery import recoveries_reconcile

        recoveries_reconcile(tenures=[moved], now=now)
    public_pages_purge_for_tenures([moved])
    return moved
