"""Insiders on the chief technician's own account and bank account: invitation links replayed or sent where
another account reads them, the holder on the officer's side, the bank number looked for everywhere it must
not appear, reveals that must not happen."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from chieftech.accounts.models import User
from chieftech.accounts.roles import Role
from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.core.models import Notification, OutboxMessage
from chieftech.policy.models import Authority
from chieftech.selection.models import Application
from chieftech.tenure.domain.bank_accounts import bank_account_request, bank_account_transition
from chieftech.tenure.domain.holders import holder_invite
from chieftech.tenure.models import BankAccount, BankAccountState, Tenure
from tests.factories import form_token_of, make_round, make_tenure, make_user
from tests.tasks import run_tasks

PHONE = "13863112345"  # the factory application's phone
NUMBER = "6228480438019876543"
PASSWORD = "Huancui-holder-2026"


@pytest.fixture
def tenure(alice, gina, olivia):
    return make_tenure(alice, gina, officer=olivia, name="王建国")


@pytest.fixture
def holder(tenure):
    user = make_user("tech1", Role.TECHNICIAN, real_name="王建国", email="tech1@example.com")
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


def activation_path(body: str) -> str:
    start = body.index("/accounts/activate/")
    return body[start:].split()[0].split("：")[0]


def activate(client, path: str, password: str = PASSWORD):
    return client.post(path, {"new_password1": password, "new_password2": password})


# --- The invitation ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("stored", [PHONE, "+86 138 6311 2345"], ids=["same", "country-code"])
def test_an_sms_invitation_to_a_phone_another_account_uses_is_refused(alice, olivia, tenure, stored):
    """The enterprise filled in the application: if the phone on record is its own user's, the link would go
    to the enterprise, which could then sign in as the holder."""
    alice.phone = stored
    alice.save(update_fields=["phone"])
    with pytest.raises(DomainError) as refused:
        holder_invite(actor=olivia, tenure=tenure, channel="sms")
    assert (refused.value.field, refused.value.code) == ("channel", "phone_taken")
    assert OutboxMessage.objects.count() == 0
    assert Tenure.objects.get(pk=tenure.pk).user_id is None


def test_an_sms_invitation_again_to_the_holders_own_phone_is_sent(olivia, tenure):
    holder_invite(actor=olivia, tenure=tenure, channel="sms")
    holder_invite(actor=olivia, tenure=tenure, channel="sms")
    assert OutboxMessage.objects.filter(channel=OutboxMessage.Channel.SMS).count() == 2


def test_an_sms_invitation_to_a_former_holder_reaches_the_phone_of_their_earlier_terms_account(
    alice, gina, olivia, tenure
):
    holder_invite(actor=olivia, tenure=tenure, channel="sms")
    application = Application.objects.get(pk=tenure.application_id)
    later_round = make_round(olivia, title="2028年度环翠区首席技师选拔", year=2028)
    later = make_tenure(alice, gina, round_=later_round, name="王建国", id_number=application.id_number)
    holder_invite(actor=olivia, tenure=later, channel="sms")
    assert OutboxMessage.objects.filter(channel=OutboxMessage.Channel.SMS).count() == 2


def test_the_system_admin_reading_the_outbox_gets_neither_the_link_nor_the_phone(client, olivia, sam, tenure):
    holder_invite(actor=olivia, tenure=tenure, channel="sms")
    client.force_login(sam)
    page = client.get(reverse("core:outbox")).content.decode()
    assert ("/accounts/activate/" in page, PHONE in page, "138****2345" in page) == (False, False, True)


def test_an_email_invitation_to_another_accounts_address_in_other_case_is_refused(alice, olivia, tenure):
    User.objects.filter(pk=alice.pk).update(email="alice@jia.example.cn")
    with pytest.raises(DomainError) as refused:
        holder_invite(actor=olivia, tenure=tenure, channel="email", email="  ALICE@Jia.Example.CN ")
    assert refused.value.code == "taken"
    assert OutboxMessage.objects.count() == 0


def test_a_link_opened_by_someone_signed_in_as_another_user_sets_nothing(client, alice, olivia, tenure):
    holder_invite(actor=olivia, tenure=tenure, channel="sms")
    path = activation_path(OutboxMessage.objects.get().body)
    client.force_login(alice)

    assert client.get(path).status_code == 403
    assert activate(client, path).status_code == 403

    holder = Tenure.objects.get(pk=tenure.pk).user
    assert holder.has_usable_password() is False
    # The link still works for the holder afterwards.
    client.logout()
    assert activate(client, path).status_code == 302


def test_a_link_used_once_or_replaced_by_a_new_invitation_opens_nothing(client, olivia, tenure):
    holder_invite(actor=olivia, tenure=tenure, channel="sms")
    first = activation_path(OutboxMessage.objects.get().body)
    holder_invite(actor=olivia, tenure=tenure, channel="sms")
    second = activation_path(OutboxMessage.objects.order_by("-pk").first().body)

    assert activate(client, first).status_code == 404
    assert activate(client, second).status_code == 302
    assert activate(client, second, "Another-pass-2026").status_code == 404
    holder = Tenure.objects.get(pk=tenure.pk).user
    assert holder.check_password(PASSWORD)


# --- The holder on the officer's side ---------------------------------------------------------------------


def test_the_holder_cannot_confirm_their_own_bank_account(client, holder, tenure):
    account = bank_account_request(
        actor=holder,
        tenure=tenure,
        bank="中国工商银行",
        branch="环翠支行",
        number=NUMBER,
        account_name="王建国",
    )
    with pytest.raises(PermissionDenied):
        bank_account_transition(actor=holder, account=account, to_state=BankAccountState.CONFIRMED)
    client.force_login(holder)
    responses = [
        client.get(reverse("tenure:bank_queue")),
        client.post(reverse("tenure:bank_decide", args=[account.pk]), {"decision": "confirm"}),
        client.post(reverse("tenure:bank_reveal", args=[account.pk]), {"reveal-reason": "看看"}),
    ]
    assert [r.status_code for r in responses] == [403, 403, 403]
    assert BankAccount.objects.get(pk=account.pk).state == BankAccountState.REQUESTED


def test_another_holder_or_an_enterprise_user_cannot_ask_for_this_holders_account(
    client, alice, gina, olivia, tenure, holder
):
    other = make_tenure(alice, gina, round_=tenure.application.round, name="李秀英")
    other_holder = make_user("tech2", Role.TECHNICIAN, real_name="李秀英")
    Tenure.objects.filter(pk=other.pk).update(user=other_holder)
    for actor in (other_holder, alice, olivia):
        with pytest.raises(PermissionDenied):
            bank_account_request(
                actor=actor,
                tenure=tenure,
                bank="中国银行",
                branch="环翠支行",
                number=NUMBER,
                account_name="王建国",
            )
    client.force_login(alice)
    assert client.get(reverse("tenure:holder_bank")).status_code == 403
    assert BankAccount.objects.count() == 0


# --- The account name ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["王建", "王建国国", "王\u200b建国", "王建國", "李秀英", "王建国（本人）", "王建国·"],
    ids=["shorter", "longer", "zero-width", "traditional", "someone-else", "suffix", "dot"],
)
def test_an_account_name_that_is_not_the_holders_is_refused(holder, tenure, name):
    with pytest.raises(DomainError) as refused:
        bank_account_request(
            actor=holder, tenure=tenure, bank="中国银行", branch="环翠支行", number=NUMBER, account_name=name
        )
    assert refused.value.field == "account_name"
    assert BankAccount.objects.count() == 0


@pytest.mark.parametrize(
    "name", ["王 建 国", "王\u3000建国", "\t王建国 "], ids=["spaces", "ideographic", "tab"]
)
def test_blanks_in_the_holders_own_name_are_taken_and_stored_without_them(holder, tenure, name):
    account = bank_account_request(
        actor=holder, tenure=tenure, bank="中国银行", branch="环翠支行", number=NUMBER, account_name=name
    )
    assert account.account_name == "王建国"


# --- The number, nowhere in the clear ----------------------------------------------------------------------


def test_the_bank_number_appears_in_full_nowhere_but_the_audited_reveal(
    client, alice, olivia, tenure, holder, django_capture_on_commit_callbacks
):
    spaced = "6228 4804 3801 9876 543"
    with django_capture_on_commit_callbacks(execute=True):
        account = bank_account_request(
            actor=holder,
            tenure=tenure,
            bank="中国农业银行",
            branch="环翠支行",
            number=spaced,
            account_name="王建国",
        )
        bank_account_transition(actor=olivia, account=account, to_state=BankAccountState.CONFIRMED)
    run_tasks()
    client.force_login(olivia)
    pages = {
        name: client.get(url)
        for name, url in {
            "register": reverse("tenure:tenure_list"),
            "detail": reverse("tenure:tenure_detail", args=[tenure.pk]),
            "decide": reverse("tenure:bank_decide", args=[account.pk]),
            "queue": reverse("tenure:bank_queue"),
            "export": reverse("tenure:register_export"),
        }.items()
    }
    client.force_login(holder)
    pages["holder"] = client.get(reverse("tenure:holder_bank"))
    pages["home"] = client.get(reverse("tenure:holder_home"))

    texts = {name: r.content.decode("utf-8", "replace") for name, r in pages.items() if name != "export"}
    assert {name: NUMBER in text for name, text in texts.items()} == dict.fromkeys(texts, False)
    import io

    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(b"".join(pages["export"].streaming_content)))
    cells = [str(c.value) for row in book.active.iter_rows() for c in row if c.value]
    assert [c for c in cells if NUMBER in c or "9876543" in c] == []
    records = [f"{r.before}{r.after}{r.reason}" for r in AuditRecord.objects.all()]
    assert [r for r in records if NUMBER in r] == []
    messages = [f"{n.subject}{n.body}{n.url}" for n in Notification.objects.all()]
    messages += [f"{m.subject}{m.body}" for m in OutboxMessage.objects.all()]
    messages += [f"{m.subject}{m.body}" for m in mail.outbox]
    assert [m for m in messages if NUMBER in m] == []
    # Pages carrying it masked are never stored.
    assert {name: "no-store" in r["Cache-Control"] for name, r in pages.items()} == dict.fromkeys(pages, True)


def test_a_reveal_by_get_without_a_reason_or_for_another_authority_shows_nothing(
    client, olivia, tenure, holder, weihai_officer
):
    account = bank_account_request(
        actor=holder, tenure=tenure, bank="中国银行", branch="环翠支行", number=NUMBER, account_name="王建国"
    )
    url = reverse("tenure:bank_reveal", args=[account.pk])
    client.force_login(olivia)
    by_get = client.get(url)
    no_reason = client.post(url, {"reveal-reason": "  "})
    client.force_login(weihai_officer)
    other_authority = client.post(url, {"reveal-reason": "核对。"})
    decide = reverse("tenure:bank_decide", args=[account.pk])
    assert (client.get(decide).status_code, client.post(decide, {"decision": "confirm"}).status_code) == (
        404,
        404,
    )
    assert client.get(reverse("tenure:bank_queue")).context["rows"] == []

    assert (by_get.status_code, no_reason.status_code, other_authority.status_code) == (405, 200, 404)
    assert NUMBER not in no_reason.content.decode()
    assert AuditRecord.objects.filter(action__contains="reveal").count() == 0


def test_an_officer_without_the_reveal_capability_cannot_reveal(client, alice, tenure, holder):
    account = bank_account_request(
        actor=holder, tenure=tenure, bank="中国银行", branch="环翠支行", number=NUMBER, account_name="王建国"
    )
    client.force_login(alice)
    response = client.post(reverse("tenure:bank_reveal", args=[account.pk]), {"reveal-reason": "核对。"})
    assert response.status_code == 403
    assert NUMBER not in response.content.decode()


def test_the_same_bank_request_posted_twice_makes_one_request(client, holder, tenure):
    client.force_login(holder)
    url = reverse("tenure:holder_bank")
    data = {
        "bank": "中国银行",
        "branch": "环翠支行",
        "number": NUMBER,
        "account_name": "王建国",
        "form_token": form_token_of(client.get(url)),
    }
    first = client.post(url, data)
    second = client.post(url, data)
    assert (first.status_code, second.status_code) == (302, 302)
    assert BankAccount.objects.count() == 1
    assert AuditRecord.objects.filter(action="tenure.bank_account_request").count() == 1


def test_the_holder_pages_show_no_id_number_or_phone_in_full(client, holder, tenure):
    application = Application.objects.get(pk=tenure.application_id)
    client.force_login(holder)
    for name in (
        "tenure:holder_home",
        "tenure:holder_bank",
        "tenure:holder_payments",
        "tenure:holder_reviews",
    ):
        response = client.get(reverse(name))
        page = response.content.decode()
        assert (response.status_code, application.id_number in page, PHONE in page) == (200, False, False), (
            name
        )
        assert "no-store" in response["Cache-Control"]


def test_the_officers_reveal_shows_the_number_once_audited_without_it_and_never_stored(
    client, olivia, tenure, holder
):
    account = bank_account_request(
        actor=holder, tenure=tenure, bank="中国银行", branch="环翠支行", number=NUMBER, account_name="王建国"
    )
    client.force_login(olivia)
    response = client.post(reverse("tenure:bank_reveal", args=[account.pk]), {"reveal-reason": "核对户名。"})

    assert response.context["revealed"] == NUMBER
    assert "no-store" in response["Cache-Control"]
    [record] = AuditRecord.objects.filter(action__contains="reveal")
    assert NUMBER not in f"{record.before}{record.after}{record.reason}"
    # The next look at the page is masked again.
    assert NUMBER not in client.get(reverse("tenure:bank_decide", args=[account.pk])).content.decode()
