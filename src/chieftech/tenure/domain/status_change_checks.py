"""What a status change may say (第16条(一)): the kinds and what each does to the term once confirmed, and the
checks every report passes when it is made, corrected and confirmed. The workflow is status_changes'."""

from dataclasses import dataclass
from datetime import date

from chieftech.accounts.models import Enterprise
from chieftech.core.dates import date_zh
from chieftech.core.errors import DomainError
from chieftech.policy.selectors import authority_ids_over_town
from chieftech.tenure.models import StatusChangeKind, StatusChangeState, Tenure, TenureStatus

Kind = StatusChangeKind
State = StatusChangeState

# What a confirmed change does to the term's status; None: the status stays (a transfer in the district moves
# the term to the new enterprise; "other" is the officer's choice at confirmation).
KIND_EFFECT: dict[str, str | None] = {
    Kind.LEFT_SKILL_POST: TenureStatus.SUSPENDED,
    Kind.TRANSFER_OUT: TenureStatus.SUSPENDED,
    Kind.RETIRED: TenureStatus.SUSPENDED,
    Kind.DECEASED: TenureStatus.SUSPENDED,
    Kind.RESUMED: TenureStatus.ACTIVE,
    Kind.TRANSFER_IN_DISTRICT: None,
    Kind.OTHER: None,
}
SUSPENDING_KINDS = frozenset(kind for kind, effect in KIND_EFFECT.items() if effect == TenureStatus.SUSPENDED)
# A term in one of these has ended or was taken away: nothing more is reported on it.
CLOSED_STATUSES = frozenset({TenureStatus.EXPIRED, TenureStatus.NOT_RENEWED, TenureStatus.REVOKED})


@dataclass(frozen=True)
class EvidenceUpload:
    name: str
    content: bytes


@dataclass(frozen=True)
class Report:
    """What the reporter says: the kind, the date it took effect, the explanation and the new employer."""

    kind: str
    effective_on: date
    reason: str
    new_enterprise: Enterprise | None = None
    new_employer: str = ""


# --- Rules ------------------------------------------------------------------------------------------------


def status_change_check(
    *, tenure: Tenure, report: Report, today: date, exclude_pk: int | None = None, evidence_count: int
) -> None:
    """Refuse a report the term cannot take, each message at its field. `tenure` is read as it is now."""
    if tenure.status in CLOSED_STATUSES:
        raise DomainError(
            f"该首席技师管理期状态为“{tenure.get_status_display()}”，不能再报告人员变动。", code="term_closed"
        )
    if report.kind not in Kind.values:
        raise DomainError("请选择变动类型。", field="kind")
    if not report.reason.strip():
        raise DomainError("请填写变动说明。", field="reason")
    day = report.effective_on
    if day > today:
        raise DomainError(
            f"生效日期{date_zh(day)}晚于今天（{date_zh(today)}）：人员变动发生后才能报告。",
            field="effective_on",
            code="future",
        )
    if day < tenure.starts_on or day > tenure.ends_on:
        raise DomainError(
            f"生效日期必须在管理期内（{date_zh(tenure.starts_on)}至{date_zh(tenure.ends_on)}）。",
            field="effective_on",
            code="outside_term",
        )
    later = (
        tenure.status_changes.filter(state=State.CONFIRMED, effective_on__gt=day)
        .order_by("-effective_on", "-pk")
        .first()
    )
    if later is not None:
        raise DomainError(
            f"生效日期不能早于已确认的“{later.get_kind_display()}”变动的生效日期{date_zh(later.effective_on)}。",
            field="effective_on",
            code="before_confirmed",
        )
    if report.kind in SUSPENDING_KINDS and tenure.status == TenureStatus.SUSPENDED:
        raise DomainError(
            f"该首席技师已处于“{TenureStatus.SUSPENDED.label}”状态，不能再报告“{Kind(report.kind).label}”。",
            field="kind",
            code="already_suspended",
        )
    if report.kind == Kind.RESUMED and tenure.status == TenureStatus.ACTIVE:
        raise DomainError(
            f"该首席技师当前为“{TenureStatus.ACTIVE.label}”状态，待遇未停止，无需报告恢复。",
            field="kind",
            code="already_active",
        )
    if report.kind == Kind.TRANSFER_IN_DISTRICT:
        _transfer_check(tenure=tenure, report=report)
    if report.kind == Kind.TRANSFER_OUT and not report.new_employer.strip():
        raise DomainError("请填写调往的区外单位名称。", field="new_employer")
    open_report = tenure.status_changes.filter(state=State.REPORTED).exclude(pk=exclude_pk).first()
    if open_report is not None:
        raise DomainError(
            f"该首席技师已有一份待确认的“{open_report.get_kind_display()}”报告，"
            "请等区人社局确认或退回后再报告。",
            code="open_report",
        )
    if evidence_count == 0:
        raise DomainError("请上传证明材料（PDF、JPG或PNG）。", field="files", code="no_evidence")


def _transfer_check(*, tenure: Tenure, report: Report) -> None:
    new = report.new_enterprise
    if new is None:
        raise DomainError("请选择调入的区内单位。", field="new_enterprise")
    if new.pk == tenure.enterprise_id:
        raise DomainError("调入单位不能是现工作单位。", field="new_enterprise")
    ids = authority_ids_over_town(new.town)
    if new.status != Enterprise.Status.ACTIVE or ids is None or tenure.authority_id not in ids:
        raise DomainError(
            f"“{new.name}”不是本区已认证的企业，区外单位请选择“{Kind.TRANSFER_OUT.label}”。",
            field="new_enterprise",
        )
    span = tenure.employments.filter(ends_on__isnull=True).first()
    if span is not None and report.effective_on <= span.starts_on:
        raise DomainError(
            f"调动生效日期应晚于在现单位的起始日期{date_zh(span.starts_on)}。",
            field="effective_on",
            code="before_span",
        )
