"""The duties log (履职记录, 第15条): what the holder did as a chief technician, by kind, with evidence.

Kept by the holder or a user of the holder's current enterprise (duties.ledger_edit); an entry is changed only by
whoever logged it, or by the same enterprise (duties.activity_edit). The counts per calendar year and kind feed
the re-review and the register (chieftech.duties.selectors).
"""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

import chieftech.duties.rules  # noqa: F401  (declares the rules asked here)
from chieftech.audit.domain import audit_record, snapshot
from chieftech.core.dates import date_zh
from chieftech.core.errors import DomainError
from chieftech.core.permissions import require_perm
from chieftech.duties.domain.files import Upload, evidence_attach, uploads_check
from chieftech.duties.domain.ledger import (
    LONG_TEXT_MAX_CHARS,
    NOT_KEEPER,
    addition_refuse_if_sent,
    evidence_entry_remove,
    files_delete_on_commit,
    recorded_as,
    removal_refuse_if_sent,
    tenure_lock,
    text_clean,
)
from chieftech.duties.models import DutyActivity, DutyKind
from chieftech.tenure.models import Tenure

NOT_AUTHOR = "只有记录人本人或记录该条目的用人单位可以修改或删除这条履职记录。"
DESCRIPTION_MAX_CHARS = 2000
ACTIVITY_FIELDS = ["kind", "occurred_on", "title", "description", "file_name"]


def _activity_clean(
    *, tenure: Tenure, kind: str, occurred_on: date | None, title: str, description: str, today: date
) -> tuple[dict, dict]:
    errors: dict[str, str] = {}
    if kind not in DutyKind.values:
        errors["kind"] = "请选择履职类别。"
    if occurred_on is None:
        errors["occurred_on"] = "请填写日期。"
    elif occurred_on > today:
        errors["occurred_on"] = f"日期（{date_zh(occurred_on)}）不能晚于今天。"
    elif not tenure.starts_on <= occurred_on <= tenure.ends_on:
        errors["occurred_on"] = (
            f"日期应在管理期内（{date_zh(tenure.starts_on)}至{date_zh(tenure.ends_on)}），"
            "管理期以外的活动不作为履职记录。"
        )
    values = {
        "kind": kind,
        "occurred_on": occurred_on,
        "title": text_clean(title, field="title", label="事项", max_chars=LONG_TEXT_MAX_CHARS, errors=errors),
        "description": (description or "").strip(),
    }
    if not values["description"]:
        errors["description"] = "请填写内容。"
    elif len(values["description"]) > DESCRIPTION_MAX_CHARS:
        errors["description"] = f"内容不能超过{DESCRIPTION_MAX_CHARS}字。"
    return values, errors


def _upload_check(upload: Upload | None, errors: dict, *, required: bool) -> None:
    if upload is None:
        if required:
            errors["file"] = "请上传证明材料（PDF、JPG或PNG）。"
        return
    try:
        uploads_check([upload])
    except DomainError as exc:
        errors["file"] = exc.message


def duty_activity_add(
    *,
    actor,
    tenure: Tenure,
    kind: str,
    occurred_on: date | None,
    title: str,
    description: str,
    upload: Upload | None,
    now: datetime | None = None,
) -> DutyActivity:
    """An entry of the log, dated within the term and not in the future, with its evidence."""
    require_perm(actor, "duties.ledger_edit", tenure, NOT_KEEPER)
    now = now or timezone.now()
    values, errors = _activity_clean(
        tenure=tenure,
        kind=kind,
        occurred_on=occurred_on,
        title=title,
        description=description,
        today=timezone.localdate(now),
    )
    _upload_check(upload, errors, required=True)
    if errors:
        raise DomainError.fields(errors)
    with transaction.atomic():
        tenure_lock(tenure)
        addition_refuse_if_sent(tenure.pk, values["occurred_on"], what="履职日期")
        activity = DutyActivity(
            tenure=tenure, logged_by=actor, logged_as=recorded_as(actor, tenure), logged_at=now, **values
        )
        evidence_attach(activity, upload)
        activity.save()
        audit_record(
            action="duties.activity_add",
            actor=actor,
            obj=activity,
            object_repr=f"{tenure.application.name}的履职记录：{activity.title}",
            after=snapshot(activity, ACTIVITY_FIELDS),
            authority=tenure.authority_id,
        )
    return activity


def duty_activity_edit(
    *,
    actor,
    activity: DutyActivity,
    kind: str,
    occurred_on: date | None,
    title: str,
    description: str,
    upload: Upload | None = None,
    now: datetime | None = None,
) -> DutyActivity:
    """The entry changed; a new file replaces the evidence, none keeps it. An entry in the material of a sent
    re-review is changed neither from its date nor to a date such a review covers."""
    require_perm(actor, "duties.activity_edit", activity, NOT_AUTHOR)
    tenure = activity.tenure
    now = now or timezone.now()
    values, errors = _activity_clean(
        tenure=tenure,
        kind=kind,
        occurred_on=occurred_on,
        title=title,
        description=description,
        today=timezone.localdate(now),
    )
    _upload_check(upload, errors, required=False)
    if errors:
        raise DomainError.fields(errors)
    with transaction.atomic():
        tenure_lock(tenure)
        activity = DutyActivity.objects.select_related("tenure__application").get(pk=activity.pk)
        removal_refuse_if_sent(tenure.pk, activity.occurred_on, activity.occurred_on, what="这条履职记录")
        removal_refuse_if_sent(
            tenure.pk, values["occurred_on"], values["occurred_on"], what="该日期的履职记录"
        )
        before = snapshot(activity, ACTIVITY_FIELDS)
        old_file = activity.file if upload is not None and activity.file else None
        for name, value in values.items():
            setattr(activity, name, value)
        if upload is not None:
            evidence_attach(activity, upload)
        activity.save()
        after = snapshot(activity, ACTIVITY_FIELDS)
        if after == before:
            raise DomainError("没有需要保存的修改。", code="unchanged")
        audit_record(
            action="duties.activity_edit",
            actor=actor,
            obj=activity,
            object_repr=f"{tenure.application.name}的履职记录：{activity.title}",
            before=before,
            after=after,
            authority=tenure.authority_id,
        )
        if old_file is not None:
            files_delete_on_commit([old_file])
    return activity


def duty_activity_remove(*, actor, activity: DutyActivity) -> None:
    require_perm(actor, "duties.activity_edit", activity, NOT_AUTHOR)
    tenure = activity.tenure
    evidence_entry_remove(
        actor=actor,
        tenure=tenure,
        entry=activity,
        action="duties.activity_remove",
        gone="这条履职记录已删除。",
        describe=lambda a: (
            "这条履职记录",
            a.occurred_on,
            a.occurred_on,
            f"{tenure.application.name}的履职记录：{a.title}",
        ),
        fields=ACTIVITY_FIELDS,
    )
