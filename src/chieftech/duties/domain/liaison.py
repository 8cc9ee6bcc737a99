"""The liaison cadre (联系领导干部, 第14条(五)): the officer assigns one cadre at a time to each holder and logs
their contacts with the holder, what difficulties were raised and how they were settled."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from chieftech.audit.domain import audit_record, snapshot
from chieftech.core.dates import date_zh
from chieftech.core.errors import DomainError
from chieftech.core.notify import notify
from chieftech.core.permissions import require_perm
from chieftech.core.pii import normalize_phone, validate_phone
from chieftech.duties.domain.obligations import ENDED, term_last_day
from chieftech.duties.models import LiaisonAssignment, LiaisonContact
from chieftech.tenure.models import Tenure

ASSIGNMENT_FIELDS = ["cadre_name", "cadre_post", "cadre_unit", "cadre_phone", "assigned_on", "ended_on"]
CONTACT_FIELDS = ["contacted_on", "mode", "difficulties", "resolution"]


def _required(errors: dict, field: str, label: str, value, max_length: int) -> str:
    text = (value or "").strip()
    if not text:
        errors[field] = f"请填写{label}。"
    elif len(text) > max_length:
        errors[field] = f"{label}不超过{max_length}字。"
    return text


def liaison_assign(
    *,
    actor,
    tenure: Tenure,
    cadre_name: str,
    cadre_post: str,
    cadre_unit: str,
    cadre_phone: str,
    assigned_on: date,
    now=None,
) -> LiaisonAssignment:
    """Assign a cadre from `assigned_on`; the current one's assignment ends the day before."""
    require_perm(actor, "duties.liaison_assign", tenure, "联系领导干部由区人社局经办人确定。")
    now = now or timezone.now()
    today = timezone.localdate(now)
    errors: dict[str, str] = {}
    name = _required(errors, "cadre_name", "联系领导干部姓名", cadre_name, 50)
    post = _required(errors, "cadre_post", "职务", cadre_post, 100)
    unit = _required(errors, "cadre_unit", "工作单位", cadre_unit, 200)
    phone = normalize_phone(cadre_phone or "")
    if not phone:
        errors["cadre_phone"] = "请填写联系电话。"
    else:
        try:
            validate_phone(phone)
        except ValidationError as exc:
            errors["cadre_phone"] = exc.messages[0]
    if not isinstance(assigned_on, date):
        errors["assigned_on"] = "请填写有效的日期。"
    elif not tenure.starts_on <= assigned_on <= tenure.ends_on:
        errors["assigned_on"] = "确定联系日期应在管理期内。"
    elif assigned_on > today:
        errors["assigned_on"] = "确定联系日期不能晚于今天。"
    if tenure.status in ENDED:
        # A term that ended (not renewed, expired, revoked) has no one left to look after.
        raise DomainError(
            f"该首席技师的管理期已于{date_zh(term_last_day(tenure))}结束（{tenure.get_status_display()}），"
            "不再确定联系领导干部。",
            code="term_ended",
        )
    if errors:
        raise DomainError.fields(errors)
    with transaction.atomic():
        # The term's row serialises two officers assigning at once.
        Tenure.objects.select_for_update().filter(pk=tenure.pk).first()
        current = LiaisonAssignment.objects.filter(tenure=tenure, ended_on__isnull=True).first()
        if current is not None:
            if assigned_on <= current.assigned_on:
                raise DomainError(
                    f"确定联系日期应晚于现联系领导干部{current.cadre_name}的确定联系日期"
                    f"（{date_zh(current.assigned_on)}）。",
                    field="assigned_on",
                    code="before_current",
                )
            ends = assigned_on - timedelta(days=1)
            if current.contacts.filter(contacted_on__gt=ends).exists():
                raise DomainError(
                    f"{current.cadre_name}在{date_zh(assigned_on)}及以后还有联系记录，确定联系日期应晚于这些记录。",
                    field="assigned_on",
                    code="contacts_after",
                )
            before = snapshot(current, ["ended_on"])
            current.ended_on = ends
            current.save(update_fields=["ended_on"])
            audit_record(
                action="duties.liaison_end",
                actor=actor,
                obj=current,
                before=before,
                after=snapshot(current, ["ended_on"]),
                authority=tenure.authority_id,
            )
        assignment = LiaisonAssignment.objects.create(
            tenure=tenure,
            cadre_name=name,
            cadre_post=post,
            cadre_unit=unit,
            cadre_phone=phone,
            assigned_on=assigned_on,
            assigned_by=actor,
            assigned_at=now,
        )
        audit_record(
            action="duties.liaison_assign",
            actor=actor,
            obj=assignment,
            after=snapshot(assignment, ASSIGNMENT_FIELDS),
            authority=tenure.authority_id,
        )
        if tenure.user_id is not None:
            notify(
                users=[tenure.user],
                subject="已为您确定联系领导干部",
                body=f"自{date_zh(assigned_on)}起，{post}{name}（{unit}）作为联系领导干部联系服务您。",
                url=reverse("duties:my_support"),
            )
    return assignment


def liaison_contact_add(
    *,
    actor,
    assignment: LiaisonAssignment,
    contacted_on: date,
    mode: str,
    difficulties: str = "",
    resolution: str = "",
    now=None,
) -> LiaisonContact:
    require_perm(actor, "duties.liaison_contact_add", assignment, "联系记录由区人社局经办人登记。")
    now = now or timezone.now()
    today = timezone.localdate(now)
    errors: dict[str, str] = {}
    last = min(assignment.ended_on or today, today)
    term_last = term_last_day(assignment.tenure)
    if not isinstance(contacted_on, date):
        errors["contacted_on"] = "请填写有效的联系日期。"
    elif contacted_on < assignment.assigned_on:
        errors["contacted_on"] = f"联系日期不能早于确定联系日期（{date_zh(assignment.assigned_on)}）。"
    elif contacted_on > last:
        errors["contacted_on"] = (
            f"联系日期不能晚于结束联系日期（{date_zh(assignment.ended_on)}）。"
            if assignment.ended_on is not None and assignment.ended_on < today
            else "联系日期不能晚于今天。"
        )
    elif contacted_on > term_last:
        errors["contacted_on"] = f"管理期已于{date_zh(term_last)}结束，联系日期不能晚于该日。"
    if mode not in LiaisonContact.Mode.values:
        errors["mode"] = "请选择联系方式。"
    difficulties, resolution = (difficulties or "").strip(), (resolution or "").strip()
    if not difficulties and not resolution:
        errors["difficulties"] = "请填写反映的困难和诉求，或协调解决情况。"
    if errors:
        raise DomainError.fields(errors)
    with transaction.atomic():
        contact = LiaisonContact.objects.create(
            assignment=assignment,
            contacted_on=contacted_on,
            mode=mode,
            difficulties=difficulties,
            resolution=resolution,
            recorded_by=actor,
            recorded_at=now,
        )
        audit_record(
            action="duties.liaison_contact_add",
            actor=actor,
            obj=contact,
            after=snapshot(contact, CONTACT_FIELDS),
            authority=assignment.tenure.authority_id,
        )
    return contact
