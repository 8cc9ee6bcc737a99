"""The confirmed status history of the terms that existed before `tenures_transition` kept it: rebuilt from the
confirmed status changes, in the order they took effect, as the confirmation moved the term (a change whose
effect is the status the term already had moved nothing; a transfer in the district has no status effect); a
term now in a terminal status that no change explains (expiry, a failed re-review, revocation) gets one event
at its status_since. Terms that already have events are left alone, so running it again adds nothing."""

from django.db import migrations
from django.utils import timezone

# As chieftech.tenure.domain.status_change_checks.KIND_EFFECT when this was written (a migration keeps its own).
KIND_EFFECT = {
    "left_skill_post": "suspended",
    "transfer_out": "suspended",
    "retired": "suspended",
    "deceased": "suspended",
    "resumed": "active",
    "transfer_in_district": None,
    "other": None,
}
TERMINAL = ("not_renewed", "expired", "revoked")


def backfill(apps, schema_editor):
    Tenure = apps.get_model("tenure", "Tenure")
    StatusChange = apps.get_model("tenure", "StatusChange")
    TenureStatusEvent = apps.get_model("tenure", "TenureStatusEvent")
    covered = set(TenureStatusEvent.objects.values_list("tenure_id", flat=True).distinct())
    changes = {}
    for change in StatusChange.objects.filter(state="confirmed").order_by("effective_on", "decided_at", "pk"):
        changes.setdefault(change.tenure_id, []).append(change)
    now = timezone.now()
    events = []
    for tenure in Tenure.objects.only("pk", "status", "status_since").order_by("pk"):
        if tenure.pk in covered:
            continue
        status = "active"
        for change in changes.get(tenure.pk, []):
            target = change.outcome if change.kind == "other" else KIND_EFFECT.get(change.kind)
            if not target or target == status:
                continue
            events.append(
                TenureStatusEvent(
                    tenure_id=tenure.pk,
                    from_status=status,
                    status=target,
                    effective_on=change.effective_on,
                    recorded_at=change.decided_at or now,
                    reason=change.outcome_reason or change.reason,
                )
            )
            status = target
        if tenure.status in TERMINAL and status != tenure.status:
            events.append(
                TenureStatusEvent(
                    tenure_id=tenure.pk,
                    from_status=status,
                    status=tenure.status,
                    effective_on=tenure.status_since,
                    recorded_at=now,
                    reason="",
                )
            )
    TenureStatusEvent.objects.bulk_create(events, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("tenure", "0006_status_events_payroll_moved")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
