"""The system admin's view of mail that has not gone out: pending and failed messages with the server's last
answer, and the last run of each scheduled job."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from chieftech.core.errors import DomainError
from chieftech.core.models import OutboxMessage
from chieftech.core.outbox import outbox_resend
from chieftech.core.permissions import capability_required
from chieftech.core.pii import mask_phone
from chieftech.core.schedule import SCHEDULE, schedule_last_runs
from chieftech.core.tasks import outbox_deliver_on_commit

PER_PAGE = 50
STATE_BADGES = {
    OutboxMessage.State.PENDING: "status-warn",
    OutboxMessage.State.FAILED: "status-bad",
    OutboxMessage.State.SENT: "status-ok",
}


def mask_address(address: str) -> str:
    """The domain tells which server refused; the mailbox itself is not the admin's business."""
    name, at, domain = address.partition("@")
    return f"{name[:1]}***{at}{domain}" if at else "***"


@capability_required("core.manage_outbox")
def outbox_list(request):
    counts = dict.fromkeys(OutboxMessage.State, 0)
    counts.update(OutboxMessage.objects.order_by().values_list("state").annotate(n=Count("pk")))
    # Failed first ("failed" sorts before "pending"), newest first within each.
    waiting = OutboxMessage.objects.exclude(state=OutboxMessage.State.SENT).order_by(
        "state", "-created_at", "-pk"
    )
    page = Paginator(waiting, PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "resend_url": reverse("core:outbox_resend", args=[m.pk]),
            "channel": m.get_channel_display(),
            "recipients": mask_phone(m.phone)
            if m.channel == OutboxMessage.Channel.SMS
            else "，".join(mask_address(a) for a in m.recipients),
            "subject": m.subject,
            "state": m.get_state_display(),
            "badge": STATE_BADGES[m.state],
            "failed": m.state == OutboxMessage.State.FAILED,
            "attempts": m.attempts,
            "created_at": m.created_at,
            "last_attempt_at": m.last_attempt_at,
            "next_attempt_at": m.next_attempt_at if m.state == OutboxMessage.State.PENDING else None,
            "last_error": m.last_error,
        }
        for m in page.object_list
    ]
    last_runs = schedule_last_runs()
    jobs = [{"label": job.label, "name": job.name, "run": last_runs.get(job.name)} for job in SCHEDULE]
    return render(
        request,
        "core/outbox.html",
        {
            "rows": rows,
            "page": page,
            "pending": counts[OutboxMessage.State.PENDING],
            "failed": counts[OutboxMessage.State.FAILED],
            "sent": counts[OutboxMessage.State.SENT],
            "jobs": jobs,
        },
    )


@capability_required("core.manage_outbox")
@require_POST
def outbox_resend_view(request, pk: int):
    message = get_object_or_404(OutboxMessage, pk=pk)
    try:
        outbox_resend(actor=request.user, message=message, now=timezone.now())
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        outbox_deliver_on_commit(message.pk)
        messages.success(request, f"已重新排队发送“{message.subject}”。")
    return redirect("core:outbox")
