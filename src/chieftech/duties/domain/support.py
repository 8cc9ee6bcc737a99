"""What the departments and the employer did for a holder (第14条(一)–(四), (六)): projects and 攻关 joined,
exchanges, study visits and training, priority in research projects, publicity. Recorded by the officer (for
any department) or by a user of the holder's current enterprise, with an optional file; removed only by whoever
recorded it."""

from datetime import date

from django.db import transaction
from django.utils import timezone

from chieftech.accounts.roles import Role, authority_of, has_role_in
from chieftech.audit.domain import audit_record, snapshot
from chieftech.core.dates import date_zh
from chieftech.core.errors import DomainError
from chieftech.core.permissions import require_perm
from chieftech.duties.domain.files import Upload, evidence_attach, uploads_check
from chieftech.duties.domain.obligations import term_last_day
from chieftech.duties.models import RecordedAs, SupportKind, SupportRecord
from chieftech.tenure.models import Tenure

SUPPORT_FIELDS = ["kind", "occurred_on", "title", "department", "description", "file_name"]


def _text(value, *, field: str, label: str, required: bool, max_length: int | None = None) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(f"请填写{label}。", field=field, code="required")
    if max_length is not None and len(text) > max_length:
        raise DomainError(f"{label}不超过{max_length}字。", field=field, code="too_long")
    return text


def support_record_add(
    *,
    actor,
    tenure: Tenure,
    kind: str,
    occurred_on: date,
    title: str,
    department: str,
    description: str = "",
    upload: Upload | None = None,
    now=None,
) -> SupportRecord:
    require_perm(
        actor,
        "duties.support_record_add",
        tenure,
        "部门支持情况由区人社局经办人或首席技师现工作单位登记。",
    )
    now = now or timezone.now()
    today = timezone.localdate(now)
    errors: dict[str, str] = {}
    if kind not in SupportKind.values:
        errors["kind"] = "请选择支持事项的类别。"
    if not isinstance(occurred_on, date):
        errors["occurred_on"] = "请填写有效的日期。"
    elif occurred_on < tenure.starts_on:
        errors["occurred_on"] = f"日期不能早于管理期起始日（{tenure.starts_on:%Y年%-m月%-d日}）。"
    elif occurred_on > min(today, tenure.ends_on):
        errors["occurred_on"] = "日期不能晚于今天，也不能晚于管理期结束日。"
    elif occurred_on > term_last_day(tenure):
        # A term not renewed or revoked ended before its planned end: nothing is supported after that day.
        errors["occurred_on"] = f"管理期已于{date_zh(term_last_day(tenure))}结束，日期不能晚于该日。"
    cleaned = {}
    for field, label, value, required, max_length in (
        ("title", "事项", title, True, 200),
        ("department", "组织部门或单位", department, True, 200),
        ("description", "内容", description, False, None),
    ):
        try:
            cleaned[field] = _text(value, field=field, label=label, required=required, max_length=max_length)
        except DomainError as exc:
            errors[field] = exc.message
    if upload is not None:
        try:
            uploads_check([upload])
        except DomainError as exc:
            errors["file"] = exc.message
    if errors:
        raise DomainError.fields(errors)
    as_officer = has_role_in(actor, Role.OFFICER, authority_of(tenure))
    record = SupportRecord(
        tenure=tenure,
        kind=kind,
        occurred_on=occurred_on,
        recorded_by=actor,
        recorded_as=RecordedAs.OFFICER if as_officer else RecordedAs.ENTERPRISE,
        recorded_at=now,
        **cleaned,
    )
    with transaction.atomic():
        if upload is not None:
            evidence_attach(record, upload)
        record.save()
        audit_record(
            action="duties.support_record_add",
            actor=actor,
            obj=record,
            after=snapshot(record, SUPPORT_FIELDS),
            authority=tenure.authority_id,
        )
    return record


def support_record_remove(*, actor, record: SupportRecord) -> None:
    """Delete a record entered in error, with its file; the audit record keeps what it said."""
    require_perm(actor, "duties.support_record_remove", record, "只有登记人本人可以删除这条记录。")
    with transaction.atomic():
        locked = SupportRecord.objects.select_for_update().filter(pk=record.pk).first()
        if locked is None:
            raise DomainError("这条记录已被删除。", code="gone")
        before = snapshot(locked, SUPPORT_FIELDS)
        authority_id = locked.tenure.authority_id
        stored = locked.file.name if locked.file else ""
        audit_record(
            action="duties.support_record_remove",
            actor=actor,
            obj=locked,
            before=before,
            authority=authority_id,
        )
        locked.delete()
        if stored:
            storage = locked.file.storage
            # The file goes only once the deletion is committed: a rollback keeps the record's file.
            transaction.on_commit(lambda: storage.delete(stored))
