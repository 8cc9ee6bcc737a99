"""Insiders on the status changes of a term (第16条(一)): another enterprise, the old enterprise after a
transfer, another authority's officer, the holder on the officer's side, an account that is both the holder and
an officer; steps skipped, dates gamed, requests repeated. Every attempt here must fail to get through."""

from datetime import date, datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from chieftech.accounts.domain.users import user_set_roles
from chieftech.accounts.models import Enterprise
from chieftech.accounts.roles import Role
from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.core.models import Notification
from chieftech.policy.models import Authority
from chieftech.tenure.domain.status_change_checks import EvidenceUpload, Report
from chieftech.tenure.domain.status_changes import (
    status_change_confirm,
    status_change_report,
    status_change_resubmit,
    status_change_return,
    status_change_withdraw,
)
from chieftech.tenure.domain.term_end import tenure_remind_due
from chieftech.tenure.models import StatusChange, Tenure, TenureStatus
from tests.factories import PDF_BYTES, SHANGHAI, form_token_of, make_enterprise, make_tenure, make_user

Kind = StatusChange.Kind
State = StatusChange.State
TODAY = date(2026, 12, 1)
PROOF = [EvidenceUpload(name="证明.pdf", content=PDF_BYTES)]


@pytest.fixture
def tenure(alice, gina, olivia):
    return make_tenure(alice, gina, officer=olivia)


@pytest.fixture
def holder(tenure):
    user = make_user("tech1", Role.TECHNICIAN, real_name="王建国")
    Tenure.objects.filter(pk=tenure.pk).update(user=user)
    tenure.user = user
    return user


@pytest.fixture
def weihai_officer(db):
    weihai = Authority.objects.create(
        code="weihai", name="威海市", level="city", bureau_name="威海市人力资源和社会保障局",
        leadership_name="市委人才工作领导小组", government_name="市人民政府", title_name="威海市首席技师",
        site_name="威海市首席技师选拔管理系统", certificate_prefix="WHSJ",
    )  # fmt: skip
    return make_user("otto", Role.OFFICER, authority=weihai)


def report(actor, tenure, kind=Kind.LEFT_SKILL_POST, effective_on=date(2025, 6, 15), today=TODAY, **fields):
    fields.setdefault("reason", "调整至管理岗位。")
    return status_change_report(
        actor=actor,
        tenure=tenure,
        report=Report(kind=kind, effective_on=effective_on, **fields),
        files=PROOF,
        today=today,
    )


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def decide_post(client, change, **data):
    url = reverse("tenure:status_decide", args=[change.pk])
    return client.post(url, data)


# --- Acting for someone else -------------------------------------------------------------------------------


def test_the_old_enterprise_cannot_correct_or_withdraw_its_returned_report_after_the_transfer(
    client, alice, bob, olivia, tenure
):
    returned = report(alice, tenure, Kind.LEFT_SKILL_POST, date(2025, 6, 15))
    status_change_return(actor=olivia, change=returned, reason="请补充劳动合同变更材料。")
    transfer = report(
        alice, tenure, Kind.TRANSFER_IN_DISTRICT, date(2025, 4, 1), new_enterprise=bob.enterprise
    )
    status_change_confirm(actor=olivia, change=transfer, today=TODAY)

    with pytest.raises(PermissionDenied):
        status_change_withdraw(actor=alice, change=fresh(returned))
    with pytest.raises(PermissionDenied):
        status_change_resubmit(
            actor=alice,
            change=fresh(returned),
            report=Report(kind=Kind.LEFT_SKILL_POST, effective_on=date(2025, 6, 15), reason="补正。"),
            files=PROOF,
            today=TODAY,
        )
    client.force_login(alice)
    withdraw = client.post(reverse("tenure:status_change_withdraw", args=[returned.pk]))
    correct = client.post(
        reverse("tenure:status_change", args=[returned.pk]),
        {"kind": Kind.LEFT_SKILL_POST, "effective_on": "2025-06-15", "reason": "补正。"},
    )
    assert (withdraw.status_code, correct.status_code) == (403, 403)
    assert fresh(returned).state == State.RETURNED
    # Nor report anew on a term that is no longer theirs.
    with pytest.raises(PermissionDenied):
        report(alice, fresh(tenure), Kind.RETIRED, date(2025, 5, 1))


def test_the_old_enterprise_gets_nothing_of_the_new_enterprises_report_nor_its_evidence(
    client, alice, bob, olivia, tenure
):
    transfer = report(
        alice, tenure, Kind.TRANSFER_IN_DISTRICT, date(2025, 4, 1), new_enterprise=bob.enterprise
    )
    status_change_confirm(actor=olivia, change=transfer, today=TODAY)
    later = report(bob, fresh(tenure), Kind.LEFT_SKILL_POST, date(2025, 6, 15), reason="乙公司调岗。")
    evidence = later.evidence.get()
    client.force_login(alice)

    responses = [
        client.get(reverse("tenure:status_change", args=[later.pk])),
        client.get(reverse("tenure:status_evidence", args=[evidence.pk])),
        client.post(reverse("tenure:status_change_withdraw", args=[later.pk])),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    page = client.get(reverse("tenure:enterprise_tenure", args=[tenure.pk])).content.decode()
    assert "乙公司调岗。" not in page
    assert fresh(later).state == State.REPORTED


def test_the_new_enterprise_gets_none_of_the_former_employers_earlier_reports_nor_their_evidence(
    client, alice, bob, olivia, tenure
):
    """Bob's enterprise takes alice's holder over: it sees the term and its status from the transfer on, not
    what alice's enterprise reported and uploaded before (a medical certificate, an internal decision)."""
    sick = report(
        alice, tenure, Kind.LEFT_SKILL_POST, date(2025, 2, 1), reason="因病调离一线（甲公司内部）。"
    )
    status_change_confirm(actor=olivia, change=sick, today=TODAY)
    back = report(alice, fresh(tenure), Kind.RESUMED, date(2025, 3, 1), reason="康复后回到一线。")
    status_change_confirm(actor=olivia, change=back, today=TODAY)
    withdrawn = report(alice, fresh(tenure), Kind.OTHER, date(2025, 3, 10), reason="甲公司撤回的报告。")
    status_change_withdraw(actor=alice, change=withdrawn)
    transfer = report(
        alice, fresh(tenure), Kind.TRANSFER_IN_DISTRICT, date(2025, 4, 1), new_enterprise=bob.enterprise
    )
    status_change_confirm(actor=olivia, change=transfer, today=TODAY)
    client.force_login(bob)

    earlier = [sick, back, withdrawn]
    pages = [client.get(reverse("tenure:status_change", args=[c.pk])).status_code for c in earlier]
    files = [
        client.get(reverse("tenure:status_evidence", args=[c.evidence.get().pk])).status_code for c in earlier
    ]
    term = client.get(reverse("tenure:enterprise_tenure", args=[tenure.pk]))

    assert (pages, files) == ([404, 404, 404], [404, 404, 404])
    assert [c["kind"] for c in term.context["changes"]] == ["调入区内其他单位"]
    assert "甲公司" not in term.content.decode()
    assert term.context["status"]["label"] == "有效"
    # The holder and the officer still see the whole history.
    assert client.get(reverse("tenure:status_change", args=[transfer.pk])).status_code == 200


def test_bob_cannot_withdraw_correct_or_report_on_alices_holder(client, alice, bob, tenure):
    change = report(alice, tenure)
    with pytest.raises(PermissionDenied):
        status_change_withdraw(actor=bob, change=change)
    with pytest.raises(PermissionDenied):
        report(bob, tenure, Kind.RETIRED, date(2025, 7, 1))
    client.force_login(bob)
    assert client.post(reverse("tenure:status_report", args=[tenure.pk]), {}).status_code == 404
    assert client.post(reverse("tenure:status_change", args=[change.pk]), {}).status_code == 404
    assert fresh(change).state == State.REPORTED


def test_a_suspended_enterprise_reports_corrects_and_withdraws_nothing(client, alice, olivia, tenure, holder):
    returned = report(alice, tenure)
    status_change_return(actor=olivia, change=returned, reason="请补充。")
    Enterprise.objects.filter(pk=alice.enterprise_id).update(status=Enterprise.Status.SUSPENDED)
    alice = type(alice).objects.get(pk=alice.pk)

    with pytest.raises(PermissionDenied):
        report(alice, fresh(tenure), Kind.TRANSFER_OUT, date(2025, 7, 1), new_employer="区外某公司")
    with pytest.raises(PermissionDenied):
        status_change_withdraw(actor=alice, change=fresh(returned))
    client.force_login(alice)
    assert client.get(reverse("tenure:status_report", args=[tenure.pk])).status_code == 403
    assert fresh(returned).state == State.RETURNED
    # The holder still reports what became of them.
    assert report(holder, fresh(tenure), Kind.LEFT_SKILL_POST, date(2025, 7, 1)).state == State.REPORTED


def test_another_holder_reaches_nothing_of_this_term(client, alice, gina, olivia, tenure, holder):
    other = make_tenure(alice, gina, round_=tenure.application.round, name="李秀英")
    other_holder = make_user("tech2", Role.TECHNICIAN, real_name="李秀英")
    Tenure.objects.filter(pk=other.pk).update(user=other_holder)
    change = report(holder, tenure, reason="本人调整岗位。")
    client.force_login(other_holder)

    responses = [
        client.get(reverse("tenure:status_report", args=[tenure.pk])),
        client.get(reverse("tenure:status_change", args=[change.pk])),
        client.get(reverse("tenure:status_evidence", args=[change.evidence.get().pk])),
        client.post(reverse("tenure:status_change_withdraw", args=[change.pk])),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert fresh(change).state == State.REPORTED


def test_another_authoritys_officer_decides_nothing(client, alice, tenure, weihai_officer):
    change = report(alice, tenure)
    client.force_login(weihai_officer)
    assert client.get(reverse("tenure:status_decide", args=[change.pk])).status_code == 404
    assert decide_post(client, change, action="return", reason="退回。").status_code == 404
    with pytest.raises(PermissionDenied):
        status_change_return(actor=weihai_officer, change=change, reason="退回。")
    assert fresh(change).state == State.REPORTED


# --- The holder and the officer's side ---------------------------------------------------------------------


def test_the_holder_cannot_confirm_or_return_their_own_report(client, holder, tenure):
    change = report(holder, tenure, reason="本人调整岗位。")
    client.force_login(holder)
    assert client.get(reverse("tenure:status_queue")).status_code == 403
    assert decide_post(client, change, action="return", reason="自己退回。").status_code == 403
    assert decide_post(client, change).status_code == 403
    with pytest.raises(PermissionDenied):
        status_change_confirm(actor=holder, change=change, today=TODAY)
    assert fresh(change).state == State.REPORTED


def test_the_holders_account_made_an_officer_decides_nothing_on_its_own_term(
    alice, olivia, sam, tenure, holder
):
    """A system admin turns the holder's own login into an officer's account (the technician role given up,
    so no conflict of roles remains to refuse it): the account is still the term's holder, and must not
    decide the reports on its own term."""
    user_set_roles(actor=sam, user=holder, roles={Role.OFFICER.value})
    holder = type(holder).objects.get(pk=holder.pk)
    change = report(alice, tenure)

    with pytest.raises(PermissionDenied):
        status_change_confirm(actor=holder, change=change, today=TODAY)
    with pytest.raises(PermissionDenied):
        status_change_return(actor=holder, change=change, reason="不予认可。")
    assert fresh(change).state == State.REPORTED


@pytest.mark.parametrize("role", [Role.OFFICER, Role.ENTERPRISE, Role.EXPERT, Role.GOVERNMENT])
def test_the_holders_login_never_takes_a_second_role(sam, tenure, holder, role):
    with pytest.raises(DomainError) as refused:
        user_set_roles(actor=sam, user=holder, roles={Role.TECHNICIAN.value, role.value})
    assert refused.value.code == "role_conflict"


# --- Skipping steps ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("end_state", ["withdrawn", "returned", "confirmed"])
def test_a_report_not_awaiting_the_officer_is_never_confirmed(client, alice, olivia, tenure, end_state):
    change = report(alice, tenure)
    if end_state == "withdrawn":
        status_change_withdraw(actor=alice, change=change)
    elif end_state == "returned":
        status_change_return(actor=olivia, change=change, reason="请补充。")
    else:
        status_change_confirm(actor=olivia, change=change, today=TODAY)
    records = AuditRecord.objects.count()
    client.force_login(olivia)

    response = decide_post(client, change)

    assert response.status_code == 403
    with pytest.raises(DomainError):
        status_change_confirm(actor=olivia, change=fresh(change), today=TODAY)
    assert (fresh(change).state, AuditRecord.objects.count()) == (end_state, records)


def test_a_confirmed_report_is_never_resubmitted_nor_withdrawn(client, alice, olivia, tenure):
    change = report(alice, tenure)
    status_change_confirm(actor=olivia, change=change, today=TODAY)
    with pytest.raises(PermissionDenied):
        status_change_resubmit(
            actor=alice,
            change=fresh(change),
            report=Report(kind=Kind.RETIRED, effective_on=date(2025, 6, 15), reason="改成退休。"),
            today=TODAY,
        )
    with pytest.raises(PermissionDenied):
        status_change_withdraw(actor=alice, change=fresh(change))
    client.force_login(alice)
    response = client.post(
        reverse("tenure:status_change", args=[change.pk]),
        {"kind": Kind.RETIRED, "effective_on": "2025-06-15", "reason": "改成退休。"},
    )
    assert response.status_code == 403
    assert (fresh(change).kind, fresh(change).state) == (Kind.LEFT_SKILL_POST, State.CONFIRMED)


@pytest.mark.parametrize("status", [TenureStatus.EXPIRED, TenureStatus.REVOKED, TenureStatus.NOT_RENEWED])
def test_a_report_open_when_the_term_ended_is_not_confirmed_afterwards(alice, olivia, tenure, status):
    change = report(alice, tenure)
    Tenure.objects.filter(pk=tenure.pk).update(status=status)
    with pytest.raises(DomainError) as refused:
        status_change_confirm(actor=olivia, change=fresh(change), today=TODAY)
    assert refused.value.code == "term_closed"
    assert fresh(change).state == State.REPORTED


def test_a_returned_report_resubmitted_beside_a_newer_open_one_is_refused(alice, olivia, tenure):
    """Two tabs: one report is returned, the reporter files another, then resubmits the first."""
    first = report(alice, tenure)
    status_change_return(actor=olivia, change=first, reason="请补充。")
    report(alice, tenure, Kind.RETIRED, date(2025, 9, 1), reason="办理退休。")
    with pytest.raises(DomainError) as refused:
        status_change_resubmit(
            actor=alice,
            change=fresh(first),
            report=Report(kind=Kind.LEFT_SKILL_POST, effective_on=date(2025, 6, 15), reason="补正。"),
            today=TODAY,
        )
    assert refused.value.code == "open_report"
    assert list(tenure.status_changes.order_by("pk").values_list("state", flat=True)) == [
        State.RETURNED,
        State.REPORTED,
    ]


# --- Date games ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("effective_on", "today", "code"),
    [
        (date(2024, 12, 26), TODAY, "outside_term"),  # the day before the first day
        (date(2026, 12, 27), date(2027, 1, 5), "outside_term"),  # the day after the last day
        (date(2026, 12, 2), TODAY, "future"),  # tomorrow
    ],
    ids=["before-start", "after-end", "tomorrow"],
)
def test_dates_just_outside_the_term_or_tomorrow_are_refused(alice, tenure, effective_on, today, code):
    with pytest.raises(DomainError) as refused:
        report(alice, tenure, effective_on=effective_on, today=today)
    assert (refused.value.code, refused.value.field) == (code, "effective_on")
    assert StatusChange.objects.count() == 0


@pytest.mark.parametrize(
    ("effective_on", "today"),
    [(date(2024, 12, 27), TODAY), (date(2026, 12, 26), date(2026, 12, 26)), (TODAY, TODAY)],
    ids=["first-day", "last-day", "today"],
)
def test_the_boundary_days_themselves_are_taken(alice, tenure, effective_on, today):
    assert report(alice, tenure, effective_on=effective_on, today=today).effective_on == effective_on


def test_a_date_a_day_before_a_confirmed_change_is_refused_at_confirmation_too(alice, olivia, tenure, holder):
    """Two reports dated apart, the later confirmed first: the earlier one may no longer be confirmed."""
    early = report(alice, tenure, Kind.LEFT_SKILL_POST, date(2025, 6, 14))
    status_change_return(actor=olivia, change=early, reason="请补充。")
    late = report(holder, tenure, Kind.RETIRED, date(2025, 6, 15), reason="退休。")
    status_change_confirm(actor=olivia, change=late, today=TODAY)
    with pytest.raises(DomainError) as refused:
        status_change_resubmit(
            actor=alice,
            change=fresh(early),
            report=Report(kind=Kind.OTHER, effective_on=date(2025, 6, 14), reason="补正。"),
            today=TODAY,
        )
    assert refused.value.code == "before_confirmed"


# --- Transfers ------------------------------------------------------------------------------------------------


@pytest.fixture
def outside_enterprise(db):
    return make_enterprise("烟台丙机械有限公司", town="fushan")


@pytest.mark.parametrize(
    "target", ["same", "pending", "suspended", "outside"], ids=["same", "pending", "suspended", "outside"]
)
def test_a_transfer_to_an_enterprise_that_may_not_take_the_term_is_refused(
    client, alice, tenure, enterprise_a, target, request
):
    if target == "same":
        new = enterprise_a
    elif target == "outside":
        new = request.getfixturevalue("outside_enterprise")
    else:
        status = Enterprise.Status.PENDING if target == "pending" else Enterprise.Status.SUSPENDED
        new = make_enterprise("威海丁新材料有限公司", status=status)
    with pytest.raises(DomainError) as refused:
        report(alice, tenure, Kind.TRANSFER_IN_DISTRICT, date(2025, 4, 1), new_enterprise=new)
    assert refused.value.field == "new_enterprise"
    # The form does not offer it either, and a forged id changes nothing.
    client.force_login(alice)
    url = reverse("tenure:status_report", args=[tenure.pk])
    response = client.post(
        url,
        {
            "kind": Kind.TRANSFER_IN_DISTRICT,
            "effective_on": "2025-04-01",
            "reason": "调动。",
            "new_enterprise": str(new.pk),
            "form_token": form_token_of(client.get(url), "status-report-form"),
        },
    )
    assert response.status_code == 200
    assert "new_enterprise" in response.context["form"].errors
    assert StatusChange.objects.count() == 0


def test_a_transfer_confirmed_after_the_new_enterprise_was_suspended_is_refused(alice, bob, olivia, tenure):
    change = report(alice, tenure, Kind.TRANSFER_IN_DISTRICT, date(2025, 4, 1), new_enterprise=bob.enterprise)
    Enterprise.objects.filter(pk=bob.enterprise_id).update(status=Enterprise.Status.SUSPENDED)
    with pytest.raises(DomainError):
        status_change_confirm(actor=olivia, change=fresh(change), today=TODAY)
    assert fresh(tenure).enterprise_id == alice.enterprise_id


# --- Replays ------------------------------------------------------------------------------------------------


def test_the_same_confirmation_posted_twice_moves_the_term_once(client, alice, olivia, tenure):
    change = report(alice, tenure)
    client.force_login(olivia)
    url = reverse("tenure:status_decide", args=[change.pk])
    asked = client.post(
        url, {"action": "confirm", "form_token": form_token_of(client.get(url), "status-confirm-form")}
    )
    data = {"action": "confirm", "confirmed": "yes", "form_token": form_token_of(asked, "confirm-form")}

    first = client.post(url, data)
    second = client.post(url, data)

    assert (first.status_code, second.status_code) == (302, 302)
    assert fresh(change).state == State.CONFIRMED
    assert AuditRecord.objects.filter(action="tenure.status_change_confirm").count() == 1
    assert fresh(tenure).status == TenureStatus.SUSPENDED


# --- The end of the term --------------------------------------------------------------------------------------


def test_after_a_transfer_the_end_of_term_reminder_goes_to_the_new_enterprise_not_the_old(
    alice, bob, olivia, tenure, holder
):
    transfer = report(
        alice, tenure, Kind.TRANSFER_IN_DISTRICT, date(2025, 4, 1), new_enterprise=bob.enterprise
    )
    status_change_confirm(actor=olivia, change=transfer, today=TODAY)
    Notification.objects.all().delete()

    assert tenure_remind_due(now=datetime(2026, 10, 27, 8, tzinfo=SHANGHAI)) == "发送1条管理期届满提醒"

    reminded = Notification.objects.filter(subject__contains="届满").values_list("user__username", flat=True)
    assert sorted(reminded) == ["bob", "olivia", "tech1"]


# --- What a report may carry ---------------------------------------------------------------------------------


@pytest.mark.parametrize("outcome", ["revoked", "expired", "not_renewed", ""])
def test_an_other_kind_confirmed_with_a_forged_outcome_is_refused(client, alice, olivia, tenure, outcome):
    change = report(alice, tenure, Kind.OTHER, reason="其他情况。")
    with pytest.raises(DomainError) as refused:
        status_change_confirm(
            actor=olivia, change=change, outcome=outcome, outcome_reason="认定。", today=TODAY
        )
    assert refused.value.field == "outcome"
    client.force_login(olivia)
    url = reverse("tenure:status_decide", args=[change.pk])
    response = client.post(url, {"action": "confirm", "outcome": outcome, "outcome_reason": "认定。"})
    assert response.status_code == 200
    assert (fresh(change).state, fresh(tenure).status) == (State.REPORTED, TenureStatus.ACTIVE)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("证明.pdf", b"<html><script>alert(1)</script></html>"),
        ("证明.pdf", PDF_BYTES[:-200] + b"<script>alert(1)</script>\n%%EOF\n"),
        ("证明.html", b"<html></html>"),
        ("证明.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
    ],
    ids=["html-as-pdf", "script-in-pdf", "html", "svg"],
)
def test_evidence_that_a_browser_could_run_is_refused(alice, tenure, name, content):
    with pytest.raises(DomainError):
        status_change_report(
            actor=alice,
            tenure=tenure,
            report=Report(kind=Kind.LEFT_SKILL_POST, effective_on=date(2025, 6, 15), reason="调岗。"),
            files=[EvidenceUpload(name=name, content=content)],
            today=TODAY,
        )
    assert StatusChange.objects.count() == 0


def test_evidence_is_downloaded_as_an_attachment_never_shown_inline(client, alice, tenure):
    change = report(alice, tenure)
    client.force_login(alice)
    response = client.get(reverse("tenure:status_evidence", args=[change.evidence.get().pk]))
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
