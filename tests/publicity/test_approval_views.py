"""The approval page: each role sees the round's state and only its own form; other roles' steps are 403."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from chieftech.certificates.models import Certificate
from chieftech.publicity.domain.approval import government_approve, leadership_decide, roster_publish
from chieftech.publicity.models import GovernmentApproval, LeadershipDecision
from chieftech.selection.models import ApplicationState, RoundState
from tests.certificates.factories import SIGNED, make_approval_stage_round

FORMS = ("decide-form", "approve-form", "publish-form")


@pytest.fixture
def staged(olivia, alice, bob):
    return make_approval_stage_round(olivia, [alice, bob], n=3)


def url(round_) -> str:
    return reverse("publicity:approval", args=[round_.pk])


def today_number() -> str:
    return f"威环政字〔{timezone.localdate().year}〕12号"


def signed_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("批准文件.pdf", SIGNED["signed_content"], "application/pdf")


def forms_shown(html: str) -> list[str]:
    return [form for form in FORMS if f'id="{form}"' in html]


def record_decision(leader, round_) -> LeadershipDecision:
    return leadership_decide(
        actor=leader,
        round_=round_,
        outcome=LeadershipDecision.Outcome.APPROVE,
        meeting_date=timezone.localdate(),
        minutes_reference="2026年第4次会议纪要",
    )


def record_approval(government, round_) -> GovernmentApproval:
    return government_approve(
        actor=government,
        round_=round_,
        document_number=today_number(),
        approved_on=timezone.localdate(),
        **SIGNED,
    )


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        ("awaiting_leader", {"leo": ["decide-form"], "gina": [], "olivia": []}),
        ("awaiting_government", {"leo": [], "gina": ["approve-form"], "olivia": []}),
        ("awaiting_officer", {"leo": [], "gina": [], "olivia": ["publish-form"]}),
    ],
)
def test_each_role_sees_only_its_own_form_when_the_round_waits_for_it(
    client, staged, olivia, leo, gina, stage, expected
):
    round_, _ = staged
    if stage != "awaiting_leader":
        record_decision(leo, round_)
    if stage == "awaiting_officer":
        record_approval(gina, round_)
    users = {"leo": leo, "gina": gina, "olivia": olivia}

    shown = {}
    for name, user in users.items():
        client.force_login(user)
        response = client.get(url(round_))
        assert response.status_code == 200
        shown[name] = forms_shown(response.content.decode())

    assert shown == expected


@pytest.mark.parametrize(
    ("who", "action"),
    [
        ("gina", "decide"),
        ("olivia", "decide"),
        ("leo", "approve"),
        ("olivia", "approve"),
        ("leo", "publish"),
        ("gina", "publish"),
    ],
)
def test_a_step_of_another_role_is_forbidden(client, staged, request, who, action):
    round_, _ = staged
    client.force_login(request.getfixturevalue(who))

    response = client.post(url(round_), {"action": action, "outcome": "approve", "document_number": "x"})

    assert response.status_code == 403
    assert not LeadershipDecision.objects.exists()


@pytest.mark.parametrize("who", ["alice", "erin", "aubrey", "sam", "stranger"])
def test_the_approval_pages_are_closed_to_everyone_else(client, staged, request, who):
    round_, _ = staged
    client.force_login(request.getfixturevalue(who))

    assert client.get(url(round_)).status_code == 403
    assert client.get(reverse("publicity:approval_list")).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, staged):
    round_, _ = staged

    response = client.get(url(round_))

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url(round_)}"


def test_an_unknown_round_is_404(client, leo):
    client.force_login(leo)

    assert client.get(reverse("publicity:approval", args=[987654])).status_code == 404


def test_the_leader_approves_with_a_removal_through_the_form(client, staged, leo):
    round_, proposed = staged
    client.force_login(leo)

    response = client.post(
        url(round_),
        {
            "action": "decide",
            "outcome": "approve_with_removals",
            "meeting_date": timezone.localdate().isoformat(),
            "minutes_reference": "2026年第4次会议纪要",
            "removed": [proposed[0].pk],
            "note": "暂缓审定。",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == url(round_)
    decision = LeadershipDecision.objects.get(round=round_)
    assert decision.outcome == LeadershipDecision.Outcome.APPROVE_WITH_REMOVALS
    assert list(decision.removed.all()) == [proposed[0]]
    page = client.get(url(round_)).content.decode()
    assert "已记录审定结论：部分同意（取消部分人选）。已通知区政府经办人办理批准。" in page
    assert forms_shown(page) == []


def test_a_rejection_without_a_reason_is_shown_at_the_note_field(client, staged, leo):
    round_, _ = staged
    client.force_login(leo)

    response = client.post(
        url(round_),
        {
            "action": "decide",
            "outcome": "reject",
            "meeting_date": timezone.localdate().isoformat(),
            "minutes_reference": "2026年第4次会议纪要",
        },
    )

    assert response.status_code == 200
    assert response.context["decision_form"].errors == {
        "note": ["不同意时须写明理由，名单将退回评审委员会。"]
    }
    round_.refresh_from_db()
    assert round_.state == RoundState.APPROVAL


def test_a_malformed_document_number_is_shown_at_its_field_and_nothing_is_saved(client, staged, leo, gina):
    round_, _ = staged
    record_decision(leo, round_)
    client.force_login(gina)

    response = client.post(
        url(round_),
        {
            "action": "approve",
            "document_number": "威环政字2026年12号",
            "approved_on": timezone.localdate().isoformat(),
            "signed_document": signed_upload(),
        },
    )

    assert response.status_code == 200
    assert response.context["approval_form"].errors == {
        "document_number": [
            "批准文号格式不正确，应为“发文机关代字〔年份〕序号号”，如：威环政字〔2026〕12号。"
        ]
    }
    assert 'id="field-document_number"' in response.content.decode()
    assert not GovernmentApproval.objects.exists()
    assert [a.state for a in round_.applications.order_by("pk")] == [ApplicationState.PROPOSED] * 3


def test_the_government_approves_and_the_officer_publishes_through_the_page(
    client, staged, olivia, leo, gina
):
    round_, _ = staged
    record_decision(leo, round_)
    client.force_login(gina)

    response = client.post(
        url(round_),
        {
            "action": "approve",
            "document_number": today_number(),
            "approved_on": timezone.localdate().isoformat(),
            "signed_document": signed_upload(),
        },
    )

    assert response.status_code == 302
    assert Certificate.objects.filter(tenure__application__round=round_).count() == 3
    client.force_login(olivia)
    page = client.get(url(round_)).content.decode()
    assert f'href="{reverse("certificates:round_batch_pdf", args=[round_.pk])}"' in page
    response = client.post(url(round_), {"action": "publish", "confirmed": "yes"})
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.state == RoundState.PUBLISHED


def test_a_refusal_of_the_domain_is_shown_as_a_message(client, staged, leo, gina, olivia):
    round_, _ = staged
    record_decision(leo, round_)
    client.force_login(olivia)

    response = client.post(url(round_), {"action": "publish", "confirmed": "yes"}, follow=True)

    assert [str(m) for m in response.context["messages"]] == ["区政府批准后，方可发文公布名单。"]


def _make_rounds(olivia, alice, leo, gina, n: int):
    rounds = []
    for i in range(n):
        round_, _ = make_approval_stage_round(
            olivia, [alice], n=1, title=f"2026年度第{i + 1}批次", confirmed=True
        )
        rounds.append(round_)
    return rounds


@pytest.mark.parametrize("n", [1, 3])
def test_the_list_of_rounds_awaiting_approval_costs_the_same_for_1_and_3(
    client, olivia, alice, leo, gina, django_assert_num_queries, n
):
    rounds = _make_rounds(olivia, alice, leo, gina, n)
    record_decision(leo, rounds[0])
    client.force_login(gina)

    with django_assert_num_queries(10):
        response = client.get(reverse("publicity:approval_list"))

    rows = response.context["waiting_rows"]
    assert [(r["title"], r["state"], r["mine"]) for r in rows] == [
        ("2026年度第1批次", "待区政府批准", True),
        *[(f"2026年度第{i}批次", "待领导小组审定", False) for i in range(n, 1, -1)],
    ]


def test_the_leader_finds_the_rounds_awaiting_the_leadership(client, staged, leo):
    round_, _ = staged
    client.force_login(leo)

    response = client.get(reverse("publicity:approval_list"))

    assert [(r["title"], r["state"], r["mine"], r["url"]) for r in response.context["waiting_rows"]] == [
        (round_.title, "待领导小组审定", True, url(round_))
    ]
    assert response.context["done_rows"] == []


def test_published_rounds_are_listed_as_done(client, staged, olivia, leo, gina):
    round_, _ = staged
    record_decision(leo, round_)
    approval = record_approval(gina, round_)
    roster_publish(actor=olivia, round_=round_)
    today = timezone.localdate()
    client.force_login(leo)

    response = client.get(reverse("publicity:approval_list"))

    assert response.context["waiting_rows"] == []
    assert [(r["title"], r["document_number"], r["published_on"]) for r in response.context["done_rows"]] == [
        (round_.title, approval.document_number, f"{today.year}年{today.month}月{today.day}日")
    ]


def test_garbage_in_the_forms_is_answered_at_the_fields(client, staged, leo, gina):
    round_, _ = staged
    client.force_login(leo)

    response = client.post(
        url(round_),
        {
            "action": "decide",
            "outcome": "approve_with_removals",
            "meeting_date": "2026-13-45",
            "minutes_reference": "纪要\x00",
            "removed": ["abc", "987654"],
        },
    )

    assert response.status_code == 200
    assert set(response.context["decision_form"].errors) == {"meeting_date", "minutes_reference", "removed"}
    assert not LeadershipDecision.objects.exists()
