"""The government refuses as well as approves: a send-back with its reason returns the list to the leadership;
an approval comes with the signed approval document, kept for the authority's staff and never public."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone

from chieftech.accounts.roles import Role
from chieftech.audit.models import AuditRecord
from chieftech.core.models import Notification
from chieftech.publicity.domain.approval import government_send_back, leadership_decide
from chieftech.publicity.models import (
    ApprovalDocument,
    GovernmentApproval,
    GovernmentSendBack,
    LeadershipDecision,
)
from chieftech.selection.models import ApplicationState, RoundState
from tests.certificates.factories import SIGNED, make_approval_stage_round
from tests.factories import PNG_BYTES, make_user
from tests.publicity.decision_factories import make_other_authority

REASON = "名单中一名人选的技能等级证书尚在核查，请领导小组重新审定。"


@pytest.fixture
def weihai(db):
    return make_other_authority()


@pytest.fixture
def staged(olivia, alice, bob):
    return make_approval_stage_round(olivia, [alice, bob], n=3)


def url(round_) -> str:
    return reverse("publicity:approval", args=[round_.pk])


def decide(leo, round_, outcome=LeadershipDecision.Outcome.APPROVE, **kwargs) -> LeadershipDecision:
    return leadership_decide(
        actor=leo,
        round_=round_,
        outcome=outcome,
        meeting_date=timezone.localdate(),
        minutes_reference="2026年第4次会议纪要",
        **kwargs,
    )


def approval_post(**overrides) -> dict:
    data = {
        "action": "approve",
        "document_number": f"威环政字〔{timezone.localdate().year}〕12号",
        "approved_on": timezone.localdate().isoformat(),
        "signed_document": SimpleUploadedFile("批准文件.pdf", SIGNED["signed_content"], "application/pdf"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def others(weihai, erin, alice):
    return {
        "government_elsewhere": make_user("gov-weihai", Role.GOVERNMENT, authority=weihai),
        "erin": erin,
        "alice": alice,
    }


# --- Send-back ------------------------------------------------------------------------------------------


def test_the_send_back_returns_the_list_to_the_leadership_with_one_audit_record(staged, leo, gina, olivia):
    round_, proposed = staged
    decision = decide(leo, round_)
    records = AuditRecord.objects.count()

    send_back = government_send_back(actor=gina, round_=round_, reason=REASON)

    decision.refresh_from_db()
    round_.refresh_from_db()
    assert (decision.superseded, round_.state) == (True, RoundState.APPROVAL)
    assert (send_back.decision_id, send_back.reason, send_back.sent_back_by_id) == (
        decision.pk,
        REASON,
        gina.pk,
    )
    assert AuditRecord.objects.count() == records + 1
    record = AuditRecord.objects.latest("id")
    assert (record.action, record.reason, record.actor_username) == ("government.send_back", REASON, "gina")
    note = Notification.objects.get(user=olivia, subject__contains="区政府退回")
    assert note.body.endswith(f"理由：{REASON}")
    assert Notification.objects.filter(user=leo, subject=note.subject).count() == 1
    assert [a.state for a in proposed if not a.refresh_from_db()] == [ApplicationState.PROPOSED] * 3


def test_after_a_send_back_the_leadership_decides_again_and_the_government_may_approve(
    client, staged, leo, gina
):
    round_, _ = staged
    decide(leo, round_)
    government_send_back(actor=gina, round_=round_, reason=REASON)

    client.force_login(leo)
    page = client.get(url(round_)).content.decode()
    assert 'id="decide-form"' in page
    assert REASON in page
    second = decide(leo, round_)
    assert LeadershipDecision.objects.filter(round=round_, superseded=False).get() == second


def test_candidates_the_leadership_removed_are_on_the_list_again_after_a_send_back(staged, leo, gina):
    round_, proposed = staged
    decide(
        leo, round_, LeadershipDecision.Outcome.APPROVE_WITH_REMOVALS, removed=[proposed[0]], note="材料存疑"
    )
    proposed[0].refresh_from_db()
    assert proposed[0].state == ApplicationState.NOT_APPROVED

    government_send_back(actor=gina, round_=round_, reason=REASON)

    proposed[0].refresh_from_db()
    assert proposed[0].state == ApplicationState.PROPOSED


def test_a_send_back_without_a_reason_is_refused_at_its_field_and_nothing_changes(client, staged, leo, gina):
    round_, _ = staged
    decision = decide(leo, round_)
    client.force_login(gina)

    response = client.post(url(round_), {"action": "send_back", "reason": "  "})

    assert response.status_code == 200
    assert response.context["send_back_form"].errors == {
        "reason": ["退回须写明理由，领导小组将据此重新审定。"]
    }
    decision.refresh_from_db()
    assert (decision.superseded, GovernmentSendBack.objects.count()) == (False, 0)


def test_there_is_nothing_to_send_back_before_the_leadership_approved_or_after_the_approval(
    staged, leo, gina
):
    from chieftech.core.errors import DomainError

    round_, _ = staged
    with pytest.raises(DomainError, match="领导小组尚未审定同意"):
        government_send_back(actor=gina, round_=round_, reason=REASON)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("gina", 302),
        ("leo", 403),
        ("olivia", 403),
        ("government_elsewhere", 404),
        ("erin", 403),
        ("alice", 403),
    ],
)
def test_only_the_authoritys_government_sends_back(client, staged, leo, gina, olivia, others, who, status):
    round_, _ = staged
    decision = decide(leo, round_)
    user = {"gina": gina, "leo": leo, "olivia": olivia, **others}[who]
    client.force_login(user)

    response = client.post(url(round_), {"action": "send_back", "reason": REASON})

    assert response.status_code == status
    decision.refresh_from_db()
    assert decision.superseded is (status == 302)


def _send_backs(round_, leo, gina, n):
    for _ in range(n):
        decide(leo, round_)
        government_send_back(actor=gina, round_=round_, reason=REASON)


SEND_BACK_PAGE_QUERIES = 17


@pytest.mark.parametrize("n", [1, 3])
def test_the_send_back_record_costs_the_same_for_1_and_3(
    client, olivia, alice, bob, leo, gina, n, django_assert_num_queries
):
    round_, _ = make_approval_stage_round(olivia, [alice, bob], n=3)
    _send_backs(round_, leo, gina, n)
    client.force_login(leo)
    client.get(url(round_))  # warm the per-user caches
    with django_assert_num_queries(SEND_BACK_PAGE_QUERIES):
        response = client.get(url(round_))
    assert response.content.decode().count(REASON) == n


# --- The signed approval document ---------------------------------------------------------------------


def test_an_approval_without_the_signed_document_is_refused_at_its_field(client, staged, leo, gina):
    round_, _ = staged
    decide(leo, round_)
    client.force_login(gina)

    response = client.post(url(round_), approval_post(signed_document=None))

    assert response.status_code == 200
    assert response.context["approval_form"].errors == {
        "signed_document": ["请上传区政府签发的批准文件（PDF）。"]
    }
    assert GovernmentApproval.objects.count() == 0


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("批准文件.png", PNG_BYTES, "image/png"),
            "“批准文件.png”不是PDF文件：批准文件须上传签发件的PDF扫描件。",
        ),
        (
            SimpleUploadedFile("批准文件.pdf", PNG_BYTES, "application/pdf"),
            "“批准文件.pdf”的内容与扩展名不符，不是真正的PDF文件。",
        ),
    ],
)
def test_a_signed_document_that_is_not_a_pdf_is_refused_and_nothing_is_saved(
    client, staged, leo, gina, upload, message
):
    round_, proposed = staged
    decide(leo, round_)
    client.force_login(gina)

    response = client.post(url(round_), approval_post(signed_document=upload))

    assert response.context["approval_form"].errors == {"signed_document": [message]}
    assert (GovernmentApproval.objects.count(), ApprovalDocument.objects.count()) == (0, 0)
    proposed[0].refresh_from_db()
    assert proposed[0].state == ApplicationState.PROPOSED


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("gina", 200),
        ("leo", 200),
        ("olivia", 200),
        ("government_elsewhere", 404),
        ("erin", 403),
        ("alice", 403),
    ],
)
def test_the_signed_document_is_kept_for_the_authoritys_staff_only(
    client, staged, leo, gina, olivia, chris, others, who, status
):
    round_, _ = staged
    decide(leo, round_)
    client.force_login(gina)
    assert client.post(url(round_), approval_post()).status_code == 302
    document = ApprovalDocument.objects.get(approval__round=round_)
    assert (document.original_name, document.size) == ("批准文件.pdf", len(SIGNED["signed_content"]))
    user = {"gina": gina, "leo": leo, "olivia": olivia, **others}[who]
    client.force_login(user)

    response = client.get(reverse("publicity:approval_document", args=[round_.pk]))

    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == SIGNED["signed_content"]
        assert response["Content-Disposition"].startswith("attachment")
        assert 'id="signed-document"' in client.get(url(round_)).content.decode()


def test_the_signed_document_is_not_public(client, staged, leo, gina):
    round_, _ = staged
    decide(leo, round_)
    client.force_login(gina)
    client.post(url(round_), approval_post())
    client.logout()

    response = client.get(reverse("publicity:approval_document", args=[round_.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
