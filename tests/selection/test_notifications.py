"""Submit, return and decision each reach the people concerned in the app and by email."""

import pytest
from django.core import mail

from chieftech.core.models import Notification
from chieftech.selection.domain.applications import application_submit
from chieftech.selection.domain.review import review_decide
from tests.factories import IN_WINDOW, make_application, make_round
from tests.tasks import run_tasks


@pytest.fixture
def with_emails(alice, olivia):
    for user, address in ((alice, "alice@example.cn"), (olivia, "olivia@hrss.example.cn")):
        user.email = address
        user.save(update_fields=["email"])


def test_submission_tells_the_officers_and_the_enterprise(
    alice, olivia, with_emails, django_capture_on_commit_callbacks
):
    round_ = make_round(olivia)
    application = make_application(alice, round_)

    with django_capture_on_commit_callbacks(execute=True):
        application_submit(actor=alice, application=application, now=IN_WINDOW)
    run_tasks()

    subject = f"{alice.enterprise.name}提交了申报：王建国"
    assert list(
        Notification.objects.filter(subject=subject)
        .values_list("user__username", flat=True)
        .order_by("user__username")
    ) == ["alice", "olivia"]
    assert [(m.subject, m.to) for m in mail.outbox] == [
        (f"【环翠区首席技师选拔管理系统】{subject}", ["alice@example.cn", "olivia@hrss.example.cn"])
    ]


def test_return_and_decision_reach_the_enterprise_with_the_comment(
    alice, olivia, with_emails, django_capture_on_commit_callbacks
):
    round_ = make_round(olivia)
    application = make_application(alice, round_, submit=True)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        review_decide(
            actor=olivia,
            application=application,
            outcome="returned",
            reason="请补充证书原件扫描件。",
            now=IN_WINDOW,
        )
    run_tasks()

    [message] = mail.outbox
    assert (message.subject, message.to) == (
        "【环翠区首席技师选拔管理系统】资格审查结果：王建国 退回补正",
        ["alice@example.cn"],
    )
    assert "意见：请补充证书原件扫描件。" in message.body
    assert Notification.objects.filter(user=alice, subject="资格审查结果：王建国 退回补正").count() == 1
