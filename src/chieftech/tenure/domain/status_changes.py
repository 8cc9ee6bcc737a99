"""Status changes of a term (第16条(一)): reported by the enterprise or the holder, confirmed or returned by the
officer; only a confirmed change moves the term.

A report's states:
    reported (待确认) → confirmed (已确认)        the officer; the term moves through tenure_transition
    reported (待确认) → returned (已退回)         the officer, with the reason
    returned (已退回) → reported (待确认)         the reporting party corrects and resubmits it
    reported / returned → withdrawn (已撤回)      the reporting party, before the officer confirmed it
Confirmed and withdrawn reports are final; a confirmed change that was wrong is corrected by a later report.
Every move goes through `status_change_transition` (one audit record each).
"""

import hashlib
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

import chieftech.tenure.rules  # noqa: F401  (declares the rules asked here)
from chieftech.accounts.roles import Role, users_holding
from chieftech.audit.domain import audit_record
from chieftech.audit.transitions import transition
from chieftech.core.dates import date_zh
from chieftech.core.errors import DomainError
from chieftech.core.notify import notify
from chieftech.core.permissions import require_perm
from chieftech.selection.domain.evidence import inspect_upload, random_storage_name, upload_size_check
from chieftech.tenure.domain.public_pages import public_pages_purge_for_tenure
from chieftech.tenure.domain.status_change_checks import (
    KIND_EFFECT,
    EvidenceUpload,
    Report,
    status_change_check,
)
from chieftech.tenure.domain.transitions import tenure_transition
from chieftech.tenure.models import (
    StatusChange,
    StatusChangeEvidence,
    StatusChangeKind,
    StatusChangeState,
    Tenure,
    TenureEmployment,
)

Kind = StatusChangeKind
State = StatusChangeState

STATUS_CHANGE_TRANSITIONS: dict[str, frozenset[str]] = {
    State.REPORTED: frozenset({State.CONFIRMED, State.RETURNED, State.WITHDRAWN}),
    State.RETURNED: frozenset({State.REPORTED, State.WITHDRAWN}),
    State.CONFIRMED: frozenset(),
    State.WITHDRAWN: frozenset(),
}
STATUS_CHANGE_ACTIONS: dict[tuple[str, str], str] = {
    (State.REPORTED, State.CONFIRMED): "tenure.status_change_confirm",
    (State.REPORTED, State.RETURNED): "tenure.status_change_return",
    (State.RETURNED, State.REPORTED): "tenure.status_change_resubmit",
    (State.REPORTED, State.WITHDRAWN): "tenure.status_change_withdraw",
    (State.RETURNED, State.WITHDRAWN): "tenure.status_change_withdraw",
}


def _reporter_as(actor, tenure: Tenure) -> str:
    if actor.has_perm("tenure.status_report_as_holder", tenure):
        return StatusChange.ReportedAs.HOLDER
    return StatusChange.ReportedAs.ENTERPRISE


def _evidence_check(files: Sequence[EvidenceUpload]) -> None:
    for upload in files:
        upload_size_check(name=upload.name, size=len(upload.content))
        inspect_upload(name=upload.name, content=upload.content)


def _evidence_save(*, actor, change: StatusChange, files: Sequence[EvidenceUpload]) -> None:
    for upload in files:
        evidence = StatusChangeEvidence(
            change=change,
            original_name=upload.name,
            size=len(upload.content),
            content_type=inspect_upload(name=upload.name, content=upload.content),
            sha256=hashlib.sha256(upload.content).hexdigest(),
            uploaded_by=actor,
        )
        extension = PurePosixPath(upload.name).suffix.lower()
        evidence.file.save(random_storage_name(extension), ContentFile(upload.content), save=False)
        evidence.save()


def _report_fields(report: Report) -> dict:
    transfer = report.kind == Kind.TRANSFER_IN_DISTRICT
    return {
        "kind": report.kind,
        "effective_on": report.effective_on,
        "reason": report.reason.strip(),
        "new_enterprise": report.new_enterprise if transfer else None,
        "new_employer": report.new_employer.strip() if report.kind == Kind.TRANSFER_OUT else "",
    }


def _audit_fields(change: StatusChange) -> dict:
    return {
        "kind": change.kind,
        "effective_on": change.effective_on.isoformat(),
        "reason": change.reason,
        "new_enterprise": change.new_enterprise_id,
        "new_employer": change.new_employer,
        "evidence": list(change.evidence.values_list("sha256", flat=True)),
    }


# --- The reporter -----------------------------------------------------------------------------------------


def status_change_report(
    *,
    actor,
    tenure: Tenure,
    report: Report,
    files: Sequence[EvidenceUpload],
    today: date | None = None,
    now: datetime | None = None,
) -> StatusChange:
    """A new report on the term, by a user of the holder's current enterprise or by the holder (`now`, the
    moment of the report, for a history loaded afterwards such as the demo's)."""
    require_perm(
        actor, "tenure.status_report", tenure, "只有首席技师现工作单位的经办人或本人可以报告人员变动。"
    )
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    _evidence_check(files)
    with transaction.atomic():
        # Two reports at once (two tabs, two colleagues): the second waits and finds the first open.
        locked = Tenure.objects.select_for_update().get(pk=tenure.pk)
        status_change_check(tenure=locked, report=report, today=today, evidence_count=len(files))
        reported_as = _reporter_as(actor, locked)
        change = StatusChange.objects.create(
            tenure=locked,
            state=State.REPORTED,
            reported_by=actor,
            reported_as=reported_as,
            reporting_enterprise_id=locked.enterprise_id
            if reported_as == StatusChange.ReportedAs.ENTERPRISE
            else None,
            reported_at=now,
            **_report_fields(report),
        )
        _evidence_save(actor=actor, change=change, files=files)
        audit_record(
            action="tenure.status_change_report",
            actor=actor,
            obj=change,
            after={"state": change.state, "reported_as": reported_as, **_audit_fields(change)},
        )
        _notify_officers(change, subject=f"人员变动待确认：{_person(change)}{change.get_kind_display()}")
    return change


def status_change_resubmit(
    *,
    actor,
    change: StatusChange,
    report: Report,
    files: Sequence[EvidenceUpload] = (),
    today: date | None = None,
) -> StatusChange:
    """The reporting party corrects a returned report (and may add evidence) and sends it again."""
    require_perm(actor, "tenure.status_change_correct", change, "只有报告单位或本人可以修改被退回的报告。")
    today = today or timezone.localdate()
    _evidence_check(files)
    with transaction.atomic():
        tenure = Tenure.objects.select_for_update().get(pk=change.tenure_id)
        count = change.evidence.count() + len(files)

        def check(locked: StatusChange) -> None:
            status_change_check(
                tenure=tenure, report=report, today=today, exclude_pk=locked.pk, evidence_count=count
            )

        before = _audit_fields(change)
        changed = status_change_transition(
            actor=actor,
            change=change,
            to_state=State.REPORTED,
            check=check,
            changes={**_report_fields(report), "reported_at": timezone.now()},
            before=before,
            after=lambda locked: {
                **_audit_fields(locked),
                "evidence_added": [hashlib.sha256(f.content).hexdigest() for f in files],
            },
        )
        _evidence_save(actor=actor, change=changed, files=files)
        _notify_officers(
            changed, subject=f"人员变动已补正待确认：{_person(changed)}{changed.get_kind_display()}"
        )
    return changed


def status_change_withdraw(*, actor, change: StatusChange) -> StatusChange:
    require_perm(actor, "tenure.status_change_withdraw", change, "只有报告单位或本人可以撤回尚未确认的报告。")
    return status_change_transition(actor=actor, change=change, to_state=State.WITHDRAWN)


# --- The officer ------------------------------------------------------------------------------------------


def status_change_return(*, actor, change: StatusChange, reason: str) -> StatusChange:
    require_perm(
        actor, "tenure.status_decide", change, "只有本机关的区人社局经办人可以退回，且不能处理本人的报告。"
    )
    if not reason.strip():
        raise DomainError("请填写退回理由，告诉报告人需要补正什么。", field="reason")
    with transaction.atomic():
        changed = status_change_transition(
            actor=actor,
            change=change,
            to_state=State.RETURNED,
            reason=reason.strip(),
            changes={"decided_by": actor, "decided_at": timezone.now(), "return_reason": reason.strip()},
        )
        _notify_parties(
            changed,
            enterprise_id=changed.tenure.enterprise_id,
            subject=f"人员变动报告已退回：{_person(changed)}{changed.get_kind_display()}",
            body=f"退回理由：{changed.return_reason}",
        )
    return changed


def status_change_confirm(
    *,
    actor,
    change: StatusChange,
    outcome: str = "",
    outcome_reason: str = "",
    today: date | None = None,
    now: datetime | None = None,
) -> StatusChange:
    """Confirm the report; the term moves as its kind says, effective on the report's date (for "other", as
    the officer decides here, with the reason)."""
    require_perm(
        actor, "tenure.status_decide", change, "只有本机关的区人社局经办人可以确认，且不能确认本人的报告。"
    )
    if change.kind == Kind.OTHER:
        if outcome not in StatusChange.Outcome.values:
            raise DomainError("请选择该变动对待遇的影响。", field="outcome")
        if not outcome_reason.strip():
            raise DomainError("请填写认定理由。", field="outcome_reason")
    else:
        outcome, outcome_reason = "", ""
    with transaction.atomic():
        tenure = Tenure.objects.select_for_update().get(pk=change.tenure_id)

        def check(locked: StatusChange) -> None:
            # The term may have moved since the report (another change confirmed, the term ended).
            status_change_check(
                tenure=tenure,
                report=Report(
                    kind=locked.kind,
                    effective_on=locked.effective_on,
                    reason=locked.reason,
                    new_enterprise=locked.new_enterprise,
                    new_employer=locked.new_employer,
                ),
                today=today or timezone.localdate(now),
                exclude_pk=locked.pk,
                evidence_count=locked.evidence.count(),
            )

        changed = status_change_transition(
            actor=actor,
            change=change,
            to_state=State.CONFIRMED,
            reason=outcome_reason.strip(),
            check=check,
            changes={
                "decided_by": actor,
                "decided_at": now or timezone.now(),
                "outcome": outcome,
                "outcome_reason": outcome_reason.strip(),
            },
        )
        enterprise_then = tenure.enterprise_id
        _apply(actor=actor, change=changed, tenure=tenure)
        _notify_parties(
            changed,
            enterprise_id=enterprise_then,
            subject=f"人员变动已确认：{_person(changed)}{changed.get_kind_display()}",
            body=f"生效日期：{date_zh(changed.effective_on)}。首席技师状态：{tenure.get_status_display()}。",
        )
    return changed


def _apply(*, actor, change: StatusChange, tenure: Tenure) -> None:
    """The confirmed change's effect on the term, in the confirmation's transaction."""
    reason = f"{change.get_kind_display()}：{change.outcome_reason or change.reason}"
    if change.kind == Kind.TRANSFER_IN_DISTRICT:
        tenure_transfer(actor=actor, tenure=tenure, change=change)
        return
    target = change.outcome if change.kind == Kind.OTHER else KIND_EFFECT[change.kind]
    if target and target != tenure.status:
        tenure_transition(
            actor=actor, tenure=tenure, to_status=target, effective_on=change.effective_on, reason=reason
        )


def tenure_transfer(*, actor, tenure: Tenure, change: StatusChange) -> None:
    """Close the old enterprise's span the day before the transfer, open the new one's, and move the term."""
    require_perm(actor, "tenure.tenure_move", tenure, "只有本机关的人社局经办人可以确认调动。")
    old = tenure.enterprise_id
    TenureEmployment.objects.filter(tenure=tenure, ends_on__isnull=True).update(
        ends_on=change.effective_on - timedelta(days=1)
    )
    TenureEmployment.objects.create(
        tenure=tenure, enterprise_id=change.new_enterprise_id, starts_on=change.effective_on
    )
    tenure.enterprise_id = change.new_enterprise_id
    tenure.save(update_fields=["enterprise"])
    audit_record(
        action="tenure.transfer",
        actor=actor,
        obj=tenure,
        reason=change.reason,
        before={"enterprise": old},
        after={"enterprise": change.new_enterprise_id, "effective_on": change.effective_on.isoformat()},
    )
    # The verification page and the roster name the current enterprise.
    public_pages_purge_for_tenure(tenure)


# --- The one transition -----------------------------------------------------------------------------------


def status_change_transition(
    *,
    actor,
    change: StatusChange,
    to_state: str,
    reason: str = "",
    check=None,
    changes: dict | None = None,
    before: dict | None = None,
    after=None,
) -> StatusChange:
    """The one way a report's state moves: locked, checked against STATUS_CHANGE_TRANSITIONS, audited."""
    return transition(
        change,
        to=to_state,
        table=STATUS_CHANGE_TRANSITIONS,
        what="人员变动报告",
        actor=actor,
        action=STATUS_CHANGE_ACTIONS,
        reason=reason,
        check=check,
        changes=changes,
        before=before,
        after=after,
    )


# --- Notifications ----------------------------------------------------------------------------------------


def _person(change: StatusChange) -> str:
    return change.tenure.application.name


def _notify_officers(change: StatusChange, *, subject: str) -> None:
    tenure = change.tenure
    notify(
        users=users_holding(Role.OFFICER, tenure.authority_id),
        subject=subject,
        body=f"生效日期：{date_zh(change.effective_on)}。说明：{change.reason}",
        url=reverse("tenure:status_decide", args=[change.pk]),
    )


def _notify_parties(change: StatusChange, *, enterprise_id: int, subject: str, body: str) -> None:
    """The reporter, the holder and the users of `enterprise_id` (the holder's enterprise when the report was
    decided); for a confirmed transfer, the new enterprise's users too."""
    enterprises = {change.reporting_enterprise_id, enterprise_id}
    if change.kind == Kind.TRANSFER_IN_DISTRICT and change.state == State.CONFIRMED:
        enterprises.add(change.new_enterprise_id)
    enterprise_users = users_holding(Role.ENTERPRISE, change.tenure.authority_id).filter(
        enterprise_id__in=[pk for pk in enterprises if pk is not None]
    )
    users = {user.pk: user for user in enterprise_users}
    users[change.reported_by_id] = change.reported_by
    holder = change.tenure.user
    if holder is not None:
        users[holder.pk] = holder
    notify(
        users=users.values(),
        subject=subject,
        body=body,
        url=reverse("tenure:status_change", args=[change.pk]),
    )
