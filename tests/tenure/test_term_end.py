"""The end of the term (第十六条(二)): the daily expiry by the system and the reminders before it."""

import threading
from datetime import date, datetime

import pytest
from django.db import connection
from django.urls import reverse

from chieftech.accounts.roles import Role
from chieftech.audit.domain import audit_verify
from chieftech.certificates.models import Certificate
from chieftech.core.errors import DomainError
from chieftech.core.models import Notification, OutboxMessage
from chieftech.core.schedule import schedule_job
from chieftech.tenure.domain.term_end import tenure_expire_due, tenure_remind_due
from chieftech.tenure.domain.terms import tenure_start
from chieftech.tenure.domain.transitions import tenure_transition, tenures_transition
from chieftech.tenure.models import Tenure, TenureStatus, TermEndReminder
from tests.certificates.factories import make_approved_round
from tests.factories import SHANGHAI, make_application, make_round, make_tenure, make_user, make_weihai
from tests.tasks import run_tasks
from tests.transitions import records

STARTS = date(2026, 12, 31)
ENDS = date(2028, 12, 30)  # the last day of the 24-month term from STARTS


@pytest.fixture
def tenure(olivia, gina, alice):
    return tenure_start(application=make_application(alice, make_round(olivia)), starts_on=STARTS, actor=gina)


def at(day: date, hour: int = 0, minute: int = 5) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def expiries(tenure):
    return records(tenure).filter(action="tenure.expire")


# --- Expiry ------------------------------------------------------------------------------------------


def test_the_jobs_are_scheduled_daily():
    assert str(schedule_job("tenure.expire").cadence) == "每天00:05"
    assert str(schedule_job("tenure.remind").cadence) == "每天08:00"


def test_on_its_last_day_a_term_is_still_active_and_the_day_after_it_has_expired(tenure):
    assert tenure.ends_on == ENDS

    assert tenure_expire_due(now=at(ENDS)) == "0名首席技师管理期届满"
    assert Tenure.objects.get(pk=tenure.pk).status == TenureStatus.ACTIVE

    assert tenure_expire_due(now=at(date(2028, 12, 31))) == "1名首席技师管理期届满"
    saved = Tenure.objects.get(pk=tenure.pk)
    assert (saved.status, saved.status_since) == (TenureStatus.EXPIRED, date(2028, 12, 31))
    [record] = expiries(tenure)
    assert (record.actor_id, record.actor_username) == (None, "")
    assert record.authority_id == tenure.authority_id
    assert (record.before["status"], record.after["status"]) == ("active", "expired")


def test_a_suspended_term_expires_too(tenure):
    Tenure.objects.filter(pk=tenure.pk).update(status=TenureStatus.SUSPENDED, status_since=date(2027, 6, 1))

    tenure_expire_due(now=at(date(2029, 1, 2)))

    saved = Tenure.objects.get(pk=tenure.pk)
    assert (saved.status, saved.status_since) == (TenureStatus.EXPIRED, date(2028, 12, 31))


@pytest.mark.parametrize("status", [TenureStatus.REVOKED, TenureStatus.NOT_RENEWED])
def test_a_revoked_or_not_renewed_term_is_untouched(tenure, status):
    Tenure.objects.filter(pk=tenure.pk).update(status=status, status_since=date(2027, 6, 1))

    assert tenure_expire_due(now=at(date(2029, 1, 2))) == "0名首席技师管理期届满"

    saved = Tenure.objects.get(pk=tenure.pk)
    assert (saved.status, saved.status_since) == (status, date(2027, 6, 1))
    assert not expiries(tenure).exists()


def test_run_twice_the_same_day_one_record(tenure):
    tenure_expire_due(now=at(date(2028, 12, 31)))
    assert tenure_expire_due(now=at(date(2028, 12, 31), 9)) == "0名首席技师管理期届满"
    assert expiries(tenure).count() == 1


def test_a_run_after_missed_days_catches_up_effective_the_day_after_the_end(tenure):
    tenure_expire_due(now=at(date(2029, 1, 20)))

    saved = Tenure.objects.get(pk=tenure.pk)
    assert (saved.status, saved.status_since) == (TenureStatus.EXPIRED, date(2028, 12, 31))
    assert expiries(tenure).count() == 1


def test_the_system_may_only_expire_and_only_after_the_end(tenure):
    with pytest.raises(DomainError, match="只有管理期届满可以由系统自动变更状态。"):
        tenure_transition(
            actor=None, tenure=tenure, to_status=TenureStatus.SUSPENDED, effective_on=date(2027, 1, 5)
        )
    with pytest.raises(DomainError, match="此前不能自动转为期满"):
        tenure_transition(actor=None, tenure=tenure, to_status=TenureStatus.EXPIRED, effective_on=ENDS)
    assert Tenure.objects.get(pk=tenure.pk).status == TenureStatus.ACTIVE


def test_the_verification_page_then_says_expired(client, olivia, leo, gina, alice, bob):
    _, proposed = make_approved_round(olivia, leo, gina, [alice, bob], n=1)
    certificate = Certificate.objects.get(tenure__application=proposed[0])
    url = reverse("verify:verify", args=[certificate.verification_code])
    assert client.get(url).context["status"].label == "有效"

    tenure_expire_due(now=at(certificate.tenure.ends_on.replace(year=certificate.tenure.ends_on.year + 1)))

    response = client.get(url)
    assert response.status_code == 200
    assert response.context["status"].label == "已期满"
    assert (
        '<p class="verify-badge status status-bad" id="verify-status">已期满</p>' in response.content.decode()
    )


# --- Reminders ---------------------------------------------------------------------------------------


@pytest.fixture
def people(tenure, alice, bob, olivia):
    """The holder's account, another user of the same enterprise, and an officer of another authority."""
    holder = make_user("holder", Role.TECHNICIAN)
    Tenure.objects.filter(pk=tenure.pk).update(user=holder)
    colleague = make_user("colleague", Role.ENTERPRISE, enterprise=alice.enterprise)
    weihai = make_weihai()
    make_user("far_officer", Role.OFFICER, authority=weihai)
    return holder, colleague


def reminded(tenure):
    return dict(TermEndReminder.objects.filter(tenure=tenure).values_list("days_before", "outcome"))


def notified(subject_part: str = "届满") -> list[str]:
    return sorted(
        Notification.objects.filter(subject__contains=subject_part).values_list("user__username", flat=True)
    )


def test_no_reminder_61_days_before(tenure, people):
    assert tenure_remind_due(now=at(date(2028, 10, 30), 8, 0)) == "发送0条管理期届满提醒"
    assert reminded(tenure) == {}


def test_the_60_and_30_day_reminders_go_once_each_to_the_holder_enterprise_and_officers(
    tenure,
    people,
    olivia,
):
    assert tenure_remind_due(now=at(date(2028, 10, 31), 8, 0)) == "发送1条管理期届满提醒"
    assert tenure_remind_due(now=at(date(2028, 11, 1), 8, 0)) == "发送0条管理期届满提醒"
    assert notified() == ["alice", "colleague", "holder", "olivia"]
    note = Notification.objects.get(user__username="holder")
    name = tenure.application.name
    assert note.subject == f"{name}的首席技师管理期将于2028年12月30日届满"
    assert note.body == (
        f"{name}的首席技师管理期将于2028年12月30日届满，还有60天。"
        "管理期届满后自动转为“已期满”；可在以后批次重新申报（第十六条（二））。"
    )

    assert tenure_remind_due(now=at(date(2028, 11, 30), 8, 0)) == "发送1条管理期届满提醒"
    assert tenure_remind_due(now=at(date(2028, 12, 1), 8, 0)) == "发送0条管理期届满提醒"
    assert Notification.objects.filter(user__username="holder").count() == 2
    assert "还有30天" in Notification.objects.filter(user__username="holder").latest("pk").body
    assert reminded(tenure) == {60: "sent", 30: "sent"}


def test_a_missed_60_day_reminder_is_superseded_by_the_30_day_one(tenure, people):
    assert tenure_remind_due(now=at(date(2028, 12, 9), 8, 0)) == "发送1条管理期届满提醒"

    assert reminded(tenure) == {60: "superseded", 30: "sent"}
    assert Notification.objects.filter(user__username="holder").count() == 1
    assert "还有21天" in Notification.objects.get(user__username="holder").body


def test_a_term_ended_or_revoked_gets_no_reminder(tenure, people):
    Tenure.objects.filter(pk=tenure.pk).update(status=TenureStatus.REVOKED)
    assert tenure_remind_due(now=at(date(2028, 12, 9), 8, 0)) == "发送0条管理期届满提醒"
    assert reminded(tenure) == {}


def test_the_thresholds_come_from_the_policy(tenure, people):
    tenure.policy.term_end_reminder_days = [90]
    tenure.policy.save(update_fields=["term_end_reminder_days"])
    assert tenure_remind_due(now=at(date(2028, 10, 1), 8, 0)) == "发送1条管理期届满提醒"
    assert reminded(tenure) == {90: "sent"}


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_runs_send_one_reminder(olivia, gina, alice):
    tenure = tenure_start(
        application=make_application(alice, make_round(olivia)), starts_on=STARTS, actor=gina
    )
    barrier = threading.Barrier(2)

    def run() -> None:
        barrier.wait()
        try:
            tenure_remind_due(now=at(date(2028, 11, 30), 8, 0))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert reminded(tenure) == {60: "superseded", 30: "sent"}
    assert Notification.objects.filter(user=olivia).count() == 1


# --- A cohort at once ----------------------------------------------------------------------------------


@pytest.fixture
def cohort(olivia, gina, alice, bob):
    """Three terms of one round ending on the same day: two at enterprise A, one at enterprise B."""
    round_ = make_round(olivia)
    return [
        make_tenure(alice, gina, round_=round_, name="张三", starts_on=STARTS),
        make_tenure(alice, gina, round_=round_, name="李四", starts_on=STARTS),
        make_tenure(bob, gina, round_=round_, name="王五", starts_on=STARTS),
    ]


def test_an_enterprise_and_the_officers_get_one_reminder_listing_their_terms(
    cohort, alice, bob, olivia, mailoutbox, django_capture_on_commit_callbacks
):
    for n, user in enumerate([alice, bob, olivia]):
        user.email = f"user{n}@example.cn"
        user.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        assert tenure_remind_due(now=at(date(2028, 10, 31), 8, 0)) == "发送3条管理期届满提醒"
    assert run_tasks() == 1  # one delivery task for the three messages

    [to_alice] = Notification.objects.filter(user=alice)
    assert to_alice.subject == "2名首席技师的管理期即将届满"
    assert to_alice.body == (
        "以下2名首席技师的管理期即将届满：\n"
        f"张三（{alice.enterprise.name}）：2028年12月30日届满，还有60天\n"
        f"李四（{alice.enterprise.name}）：2028年12月30日届满，还有60天\n"
        "管理期届满后自动转为“已期满”；可在以后批次重新申报（第十六条（二））。"
    )
    [to_bob] = Notification.objects.filter(user=bob)
    assert to_bob.subject == "王五的首席技师管理期将于2028年12月30日届满"
    [to_olivia] = Notification.objects.filter(user=olivia)
    assert to_olivia.subject == "3名首席技师的管理期即将届满"
    assert to_olivia.body.count("还有60天") == 3
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["user0@example.cn"], "【环翠区首席技师选拔管理系统】2名首席技师的管理期即将届满"),
        (["user1@example.cn"], "【环翠区首席技师选拔管理系统】王五的首席技师管理期将于2028年12月30日届满"),
        (["user2@example.cn"], "【环翠区首席技师选拔管理系统】3名首席技师的管理期即将届满"),
    ]
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {"sent"}
    assert reminded(cohort[0]) == reminded(cohort[2]) == {60: "sent"}


def test_a_long_list_names_the_first_fifty_and_counts_the_rest(olivia, gina, alice):
    round_ = make_round(olivia)
    for n in range(52):
        make_tenure(alice, gina, round_=round_, name=f"技师{n:02d}", starts_on=STARTS)

    tenure_remind_due(now=at(date(2028, 10, 31), 8, 0))

    [note] = Notification.objects.filter(user=olivia)
    lines = note.body.splitlines()
    assert note.subject == "52名首席技师的管理期即将届满"
    assert lines[1].startswith("技师00（") and lines[50].startswith("技师49（")
    assert lines[51] == "……等52名，详见首席技师名册。"


def test_the_cohort_expires_in_one_run_each_with_its_record_and_the_chain_holds(cohort):
    assert tenure_expire_due(now=at(date(2028, 12, 31))) == "3名首席技师管理期届满"
    assert tenure_expire_due(now=at(date(2028, 12, 31), 1)) == "0名首席技师管理期届满"

    for tenure in cohort:
        saved = Tenure.objects.get(pk=tenure.pk)
        assert (saved.status, saved.status_since) == (TenureStatus.EXPIRED, date(2028, 12, 31))
        [record] = expiries(tenure)
        assert record.before == {"status": "active", "status_since": "2026-12-31"}
        assert record.after == {"status": "expired", "status_since": "2028-12-31"}
        assert record.object_repr == str(saved)
    assert audit_verify().ok


def test_a_term_ended_by_another_run_meanwhile_is_skipped_and_the_rest_expire(cohort, gina):
    # The other run's work, between this run's listing and its locking: one of the three is revoked.
    tenure_transition(
        actor=gina, tenure=cohort[1], to_status=TenureStatus.REVOKED, effective_on=date(2028, 12, 1)
    )
    batch = [Tenure(pk=tenure.pk) for tenure in cohort]
    with pytest.raises(DomainError, match="不能变更为“管理期满”"):
        tenures_transition(
            actor=None,
            tenures=batch,
            to_status=TenureStatus.EXPIRED,
            effective_on=date(2028, 12, 31),
        )
    assert sorted(Tenure.objects.values_list("status", flat=True)) == ["active", "active", "revoked"]
    assert records(cohort[0]).filter(action="tenure.expire").count() == 0

    assert tenure_expire_due(now=at(date(2028, 12, 31))) == "2名首席技师管理期届满"
    assert sorted(Tenure.objects.values_list("status", flat=True)) == ["expired", "expired", "revoked"]
