"""The subsidy's bank account: the holder asks, the officer of the tenure's authority confirms or returns; the
number is encrypted, masked on every page and in every record, and shown in full only through an audited
reveal; a confirmed account is used from the next unpaid month."""

from datetime import date

import pytest
import rules
from cryptography.fernet import Fernet
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings
from django.urls import reverse

from chieftech.accounts.roles import Role
from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from chieftech.core.models import Notification, OutboxMessage
from chieftech.core.pii import mask_bank_account
from chieftech.tenure.domain.bank_accounts import (
    BANK_ACCOUNT_TRANSITIONS,
    bank_account_for_month,
    bank_account_request,
    bank_account_reveal,
    bank_account_transition,
    bank_accounts_current,
)
from chieftech.tenure.models import BankAccount, BankAccountState, Tenure
from tests.factories import (
    form_token_of,
    make_bank_account,
    make_payroll_batch,
    make_tenure,
    make_user,
    make_weihai,
)
from tests.migrating import migrate_to_latest

NUMBER = "6228480438019876543"
OLD_NUMBER = "6217002020034567812"
CONFIRMED = BankAccountState.CONFIRMED
RETURNED = BankAccountState.RETURNED


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
def other_holder(alice, gina, olivia, tenure):
    """The holder of another term in the same authority."""
    other = make_tenure(alice, gina, round_=tenure.application.round, name="李秀英")
    user = make_user("tech2", Role.TECHNICIAN, real_name="李秀英")
    Tenure.objects.filter(pk=other.pk).update(user=user)
    other.user = user
    return user


@pytest.fixture
def weihai_officer(db):
    weihai = make_weihai()
    return make_user("walter", Role.OFFICER, authority=weihai, real_name="沃尔特")


def ask(holder, tenure, **overrides) -> BankAccount:
    data = {"bank": "中国农业银行", "branch": "威海环翠支行", "number": NUMBER, "account_name": "王建国"}
    return bank_account_request(actor=holder, tenure=tenure, **{**data, **overrides})


def paid(tenure, officer, *months: date) -> None:
    make_payroll_batch(
        officer,
        period=months[0],
        lines=[(tenure, list(months))],
        state="completed",
        hold_without_account=False,
    )


def raw_number(account) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT number FROM tenure_bankaccount WHERE id = %s", [account.pk])
        return cursor.fetchone()[0]


# --- The holder's request ------------------------------------------------------------------------------


def test_the_holder_asks_and_the_request_waits_for_the_officer(holder, tenure, olivia):
    account = ask(
        holder, tenure, number="６２２８ ４８０４ ３８０１ ９８７６ ５４３", account_name="王　建国"
    )

    account.refresh_from_db()
    assert (account.state, account.number, account.account_name, account.applies_from) == (
        BankAccountState.REQUESTED,
        NUMBER,
        "王建国",
        None,
    )
    assert (account.requested_by, account.decided_by) == (holder, None)
    [record] = AuditRecord.objects.filter(action="tenure.bank_account_request")
    assert record.after["number"] == "6228 **** **** 6543"
    [note] = Notification.objects.filter(user=olivia)
    assert note.url == reverse("tenure:bank_decide", args=[account.pk])


def test_an_account_name_other_than_the_holders_is_refused_at_the_field(holder, tenure):
    with pytest.raises(DomainError) as exc:
        ask(holder, tenure, account_name="王建华")

    assert exc.value.message_dict["account_name"][0].startswith("户名必须为首席技师本人姓名")
    assert not BankAccount.objects.exists()


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("", "请填写银行账号。"),
        ("6228 4804 38O1 9876 543", "银行账号只能包含数字"),
        ("62284804380", "银行账号应为12至30位数字，现为11位"),
        ("6" * 31, "银行账号应为12至30位数字，现为31位"),
        ("37100219850312101X", "银行账号只能包含数字"),
    ],
)
def test_a_malformed_number_is_refused_at_the_field(holder, tenure, number, code):
    with pytest.raises(DomainError) as exc:
        ask(holder, tenure, number=number)

    assert exc.value.message_dict["number"][0].startswith(code)
    assert not BankAccount.objects.exists()


def test_numbers_of_12_and_30_digits_pass_without_a_check_digit(holder, tenure, olivia):
    first = ask(holder, tenure, number="1" * 12)
    bank_account_transition(actor=olivia, account=first, to_state=RETURNED, reason="核对")
    assert ask(holder, tenure, number="6228480438019876540123456789012"[:30]).number == (
        "622848043801987654012345678901"
    )


def test_the_number_is_stored_encrypted(holder, tenure):
    account = ask(holder, tenure)

    stored = raw_number(account)
    assert stored.startswith("gAAAA")
    assert NUMBER not in stored
    assert BankAccount.objects.get(pk=account.pk).number == NUMBER


def test_one_open_request_at_a_time(holder, tenure):
    ask(holder, tenure)

    with pytest.raises(DomainError) as exc:
        ask(holder, tenure, number=OLD_NUMBER)

    assert exc.value.code == "request_open"
    assert BankAccount.objects.count() == 1


def test_the_same_post_twice_makes_one_request(client, holder, tenure):
    client.force_login(holder)
    page = client.get(reverse("tenure:holder_bank"))
    data = {
        "bank": "中国农业银行",
        "branch": "威海环翠支行",
        "number": NUMBER,
        "account_name": "王建国",
        "form_token": form_token_of(page, "bank-request-form"),
    }

    first = client.post(reverse("tenure:holder_bank"), data)
    second = client.post(reverse("tenure:holder_bank"), data)

    assert (first.status_code, first.url) == (302, reverse("tenure:holder_bank"))
    assert second.status_code == 302
    assert BankAccount.objects.count() == 1
    assert AuditRecord.objects.filter(action="tenure.bank_account_request").count() == 1


def test_the_page_shows_a_refused_name_at_the_field_and_does_not_echo_the_number(client, holder, tenure):
    client.force_login(holder)

    response = client.post(
        reverse("tenure:holder_bank"),
        {"bank": "中国农业银行", "branch": "威海环翠支行", "number": NUMBER, "account_name": "张三"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["account_name"][0].startswith("户名必须为首席技师本人姓名")
    assert NUMBER not in response.content.decode()
    assert not BankAccount.objects.exists()


def test_only_the_holder_of_the_tenure_asks(holder, other_holder, tenure, olivia, alice):
    for actor in (other_holder, olivia, alice):
        with pytest.raises(PermissionDenied):
            ask(actor, tenure)
    assert not BankAccount.objects.exists()


# --- The officer's decision ------------------------------------------------------------------------------


def test_confirmed_with_no_month_paid_it_applies_from_the_terms_first_month(holder, tenure, olivia):
    account = ask(holder, tenure)

    bank_account_transition(actor=olivia, account=account, to_state=CONFIRMED)

    account.refresh_from_db()
    assert (account.state, account.applies_from, account.decided_by) == (CONFIRMED, date(2024, 12, 1), olivia)
    assert bank_account_for_month(tenure=tenure, month=date(2024, 12, 1)) == account
    assert bank_account_for_month(tenure=tenure, month=date(2024, 11, 1)) is None
    [note] = Notification.objects.filter(user=holder)
    assert (
        note.body
        == "王建国：补贴发放账户已变更为中国农业银行威海环翠支行的账户，自2024年12月起的补贴发放到该账户。"
    )


def test_a_confirmed_change_applies_from_the_month_after_the_last_paid_one(holder, tenure, olivia):
    old = make_bank_account(tenure, number=OLD_NUMBER)
    paid(tenure, olivia, *[date(2025, m, 1) for m in range(1, 7)], date(2024, 12, 1))
    account = ask(holder, tenure)

    bank_account_transition(actor=olivia, account=account, to_state=CONFIRMED)

    old.refresh_from_db()
    account.refresh_from_db()
    assert (old.state, old.applies_from) == (BankAccountState.SUPERSEDED, date(2024, 12, 1))
    assert (account.state, account.applies_from) == (CONFIRMED, date(2025, 7, 1))
    assert [bank_account_for_month(tenure=tenure, month=date(2025, m, 1)) for m in (5, 6, 7, 8)] == [
        old,
        old,
        account,
        account,
    ]
    assert bank_account_for_month(tenure=tenure, month=date(2025, 6, 30)) == old
    [superseded] = AuditRecord.objects.filter(action="tenure.bank_account_supersede")
    assert superseded.after["until"] == "2025-07-01"
    assert bank_accounts_current(tenures=[tenure]) == {tenure.pk: account}


def test_a_change_never_applies_before_the_account_it_replaces(holder, tenure, olivia):
    old = make_bank_account(tenure, number=OLD_NUMBER, applies_from=date(2025, 3, 1))
    account = ask(holder, tenure)

    bank_account_transition(actor=olivia, account=account, to_state=CONFIRMED)

    account.refresh_from_db()
    assert account.applies_from == date(2025, 3, 1)
    assert bank_account_for_month(tenure=tenure, month=date(2025, 3, 1)) == account
    assert BankAccount.objects.get(pk=old.pk).state == BankAccountState.SUPERSEDED


def test_a_return_needs_a_reason_and_tells_the_holder(holder, tenure, olivia):
    account = ask(holder, tenure)
    with pytest.raises(DomainError) as exc:
        bank_account_transition(actor=olivia, account=account, to_state=RETURNED, reason=" ")
    assert exc.value.field == "reason"

    bank_account_transition(actor=olivia, account=account, to_state=RETURNED, reason="开户网点名称不完整")

    account.refresh_from_db()
    assert (account.state, account.return_reason, account.applies_from) == (
        RETURNED,
        "开户网点名称不完整",
        None,
    )
    [note] = Notification.objects.filter(user=holder)
    assert "开户网点名称不完整" in note.body
    # The holder may ask again.
    assert ask(holder, tenure).state == BankAccountState.REQUESTED


def test_a_decided_request_is_not_decided_again(holder, tenure, olivia):
    account = ask(holder, tenure)
    bank_account_transition(actor=olivia, account=account, to_state=RETURNED, reason="重填")

    with pytest.raises(DomainError):
        bank_account_transition(actor=olivia, account=account, to_state=CONFIRMED)
    assert BankAccount.objects.get(pk=account.pk).state == RETURNED
    assert not AuditRecord.objects.filter(action="tenure.bank_account_confirm").exists()


def test_a_refused_confirmation_leaves_the_account_in_use_untouched(holder, tenure, olivia):
    old = make_bank_account(tenure, number=OLD_NUMBER)
    account = ask(holder, tenure)
    bank_account_transition(actor=olivia, account=account, to_state=RETURNED, reason="重填")

    with pytest.raises(DomainError):
        bank_account_transition(actor=olivia, account=account, to_state=CONFIRMED)

    assert BankAccount.objects.get(pk=old.pk).state == CONFIRMED


def test_only_the_officer_of_the_tenures_authority_decides(holder, tenure, weihai_officer, alice, gina):
    account = ask(holder, tenure)
    for actor in (holder, weihai_officer, alice, gina):
        with pytest.raises(PermissionDenied):
            bank_account_transition(actor=actor, account=account, to_state=CONFIRMED)
    assert BankAccount.objects.get(pk=account.pk).state == BankAccountState.REQUESTED


def test_confirming_on_the_page_asks_first(client, holder, tenure, olivia):
    account = ask(holder, tenure)
    client.force_login(olivia)
    url = reverse("tenure:bank_decide", args=[account.pk])

    question = client.post(url, {"decision": "confirm", "reason": ""})
    assert question.status_code == 200
    assert "即将确认王建国的补贴发放账户变更为中国农业银行威海环翠支行（6228 **** **** 6543）" in (
        question.content.decode()
    )
    assert BankAccount.objects.get(pk=account.pk).state == BankAccountState.REQUESTED

    done = client.post(url, {"decision": "confirm", "reason": "", "confirmed": "yes"})
    assert (done.status_code, done.url) == (302, reverse("tenure:bank_queue"))
    assert BankAccount.objects.get(pk=account.pk).state == CONFIRMED


def test_a_return_without_a_reason_is_shown_at_the_field(client, holder, tenure, olivia):
    account = ask(holder, tenure)
    client.force_login(olivia)

    response = client.post(reverse("tenure:bank_decide", args=[account.pk]), {"decision": "return"})

    assert response.context["form"].errors["reason"] == ["退回时请写明理由，首席技师将据此修改后重新申请。"]
    assert BankAccount.objects.get(pk=account.pk).state == BankAccountState.REQUESTED


# --- Reveal ------------------------------------------------------------------------------------------


def test_the_officer_reveals_the_number_with_a_reason_and_one_record_is_written(
    client, holder, tenure, olivia
):
    account = ask(holder, tenure)
    client.force_login(olivia)

    response = client.post(
        reverse("tenure:bank_reveal", args=[account.pk]), {"reveal-reason": "核对代发退票"}
    )

    assert response.status_code == 200
    assert response.context["revealed"] == NUMBER
    [record] = AuditRecord.objects.filter(action="personal_data.reveal")
    assert (record.actor_username, record.reason, record.object_id) == (
        "olivia",
        "核对代发退票",
        str(account.pk),
    )
    assert record.after == {"field": "number", "label": "银行账号"}


def test_a_reveal_without_a_reason_shows_nothing_and_writes_nothing(client, holder, tenure, olivia):
    account = ask(holder, tenure)
    client.force_login(olivia)

    response = client.post(reverse("tenure:bank_reveal", args=[account.pk]), {"reveal-reason": ""})

    assert response.context["revealed"] == ""
    assert NUMBER not in response.content.decode()
    assert not AuditRecord.objects.filter(action="personal_data.reveal").exists()


def test_no_one_but_the_officer_of_the_authority_reveals(holder, tenure, weihai_officer, alice):
    account = ask(holder, tenure)
    for actor in (holder, weihai_officer, alice):
        with pytest.raises(PermissionDenied):
            bank_account_reveal(actor=actor, account=account, reason="看看")
    assert not AuditRecord.objects.filter(action="personal_data.reveal").exists()


# --- Masked everywhere ---------------------------------------------------------------------------------


def test_the_full_number_is_on_no_page_no_record_and_no_message(client, holder, tenure, olivia):
    make_bank_account(tenure, number=OLD_NUMBER)
    confirmed = ask(holder, tenure, number=NUMBER)
    bank_account_transition(actor=olivia, account=confirmed, to_state=CONFIRMED)
    pending = ask(holder, tenure, number="6212260200012345678")
    secrets = [OLD_NUMBER, NUMBER, "6212260200012345678"]

    pages = []
    client.force_login(holder)
    pages.append(client.get(reverse("tenure:holder_bank")))
    client.force_login(olivia)
    pages.append(client.get(reverse("tenure:bank_queue")))
    pages.append(client.get(reverse("tenure:bank_decide", args=[pending.pk])))
    pages.append(client.get(reverse("tenure:bank_decide", args=[confirmed.pk])))
    pages.append(client.get(reverse("tenure:tenure_list")))
    for page in pages:
        assert page.status_code == 200
        assert "no-store" in page["Cache-Control"]
        html = page.content.decode()
        assert [s for s in secrets if s in html] == []
    holder_html = pages[0].content.decode()
    assert "6212 **** **** 5678" in holder_html
    assert "6228 **** **** 6543" in holder_html
    assert mask_bank_account(NUMBER) in pages[4].content.decode()

    texts = [str(r.before) + str(r.after) + r.reason + r.object_repr for r in AuditRecord.objects.all()]
    texts += [n.subject + n.body for n in Notification.objects.all()]
    texts += [m.subject + m.body for m in OutboxMessage.objects.all()]
    assert len(texts) >= 8
    assert [t for t in texts for s in secrets if s in t] == []


def test_the_holder_page_shows_the_pending_request_and_a_return_reason(client, holder, tenure, olivia):
    client.force_login(holder)
    account = ask(holder, tenure)
    pending = client.get(reverse("tenure:holder_bank"))
    assert pending.context["pending"]["state"] == "待确认"
    assert pending.context["form"] is None

    bank_account_transition(actor=olivia, account=account, to_state=RETURNED, reason="户名请与身份证一致")
    returned = client.get(reverse("tenure:holder_bank"))

    assert returned.context["returned"]["return_reason"] == "户名请与身份证一致"
    assert returned.context["form"] is not None
    assert "户名请与身份证一致" in returned.content.decode()


# --- Who sees what -------------------------------------------------------------------------------------


def test_each_holder_sees_only_their_own_account(client, holder, other_holder, tenure):
    ask(holder, tenure)
    client.force_login(other_holder)

    response = client.get(reverse("tenure:holder_bank"))

    assert response.status_code == 200
    assert (response.context["name"], response.context["history"]) == ("李秀英", [])
    assert "6228 **** **** 6543" not in response.content.decode()


@pytest.mark.parametrize("who", ["alice", "bob", "olivia", "gina", "aubrey", "sam", "stranger"])
def test_no_one_else_has_a_holder_page(client, request, holder, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("tenure:holder_bank")).status_code == 403


def test_a_technician_without_a_term_gets_404(client, db):
    client.force_login(make_user("tech9", Role.TECHNICIAN))
    assert client.get(reverse("tenure:holder_bank")).status_code == 404


@pytest.mark.parametrize("who", ["holder", "alice", "bob", "gina", "stranger"])
def test_the_officers_pages_are_forbidden_to_everyone_else(client, request, holder, tenure, who):
    account = ask(holder, tenure)
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("tenure:bank_queue")).status_code == 403
    assert client.get(reverse("tenure:bank_decide", args=[account.pk])).status_code == 403
    decide = client.post(
        reverse("tenure:bank_decide", args=[account.pk]), {"decision": "confirm", "confirmed": "yes"}
    )
    reveal = client.post(reverse("tenure:bank_reveal", args=[account.pk]), {"reveal-reason": "x"})
    assert (decide.status_code, reveal.status_code) == (403, 403)
    assert BankAccount.objects.get(pk=account.pk).state == BankAccountState.REQUESTED
    assert not AuditRecord.objects.filter(action="personal_data.reveal").exists()


def test_another_authoritys_officer_sees_no_request(client, holder, tenure, weihai_officer):
    account = ask(holder, tenure)
    client.force_login(weihai_officer)

    assert client.get(reverse("tenure:bank_queue")).context["rows"] == []
    assert client.get(reverse("tenure:bank_decide", args=[account.pk])).status_code == 404
    decide = client.post(
        reverse("tenure:bank_decide", args=[account.pk]), {"decision": "confirm", "confirmed": "yes"}
    )
    reveal = client.post(reverse("tenure:bank_reveal", args=[account.pk]), {"reveal-reason": "核对"})
    assert (decide.status_code, reveal.status_code) == (404, 404)
    assert BankAccount.objects.get(pk=account.pk).state == BankAccountState.REQUESTED


def test_the_menu_leads_each_role_to_its_page(client, holder, olivia):
    client.force_login(holder)
    assert reverse("tenure:holder_bank") in client.get(reverse("tenure:holder_bank")).content.decode()
    client.force_login(olivia)
    assert reverse("tenure:bank_queue") in client.get(reverse("tenure:bank_queue")).content.decode()


# --- Constant queries ------------------------------------------------------------------------------------


def test_the_queue_costs_the_same_queries_for_one_or_three(
    client, alice, gina, olivia, holder, tenure, django_assert_num_queries
):
    make_bank_account(tenure, number=OLD_NUMBER)
    ask(holder, tenure)
    client.force_login(olivia)
    with django_assert_num_queries(11):
        assert len(client.get(reverse("tenure:bank_queue")).context["rows"]) == 1

    for n in (2, 3):
        other = make_tenure(alice, gina, round_=tenure.application.round, name=f"技师{n}")
        user = make_user(f"tech-{n}", Role.TECHNICIAN)
        Tenure.objects.filter(pk=other.pk).update(user=user)
        other.user = user
        make_bank_account(other, number=f"62170020200345678{n}")
        ask(user, other, account_name=f"技师{n}")
    with django_assert_num_queries(11):
        rows = client.get(reverse("tenure:bank_queue")).context["rows"]
    assert [r["holder"] for r in rows] == ["王建国", "技师2", "技师3"]
    assert [r["current"]["number"] for r in rows] == [
        "6217 **** **** 7812",
        "6217 **** **** 6782",
        "6217 **** **** 6783",
    ]


# --- Key rotation ------------------------------------------------------------------------------------------


def test_reencrypt_moves_the_account_number_to_the_new_key(holder, tenure, settings, capsys):
    account = ask(holder, tenure)
    before = raw_number(account)
    new_key = Fernet.generate_key().decode()

    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key, settings.FIELD_ENCRYPTION_KEYS[0]]):
        call_command("reencrypt")
        assert "tenure_bankaccount.number：已重新加密 1 个" in capsys.readouterr().out
    with override_settings(FIELD_ENCRYPTION_KEYS=[new_key]):
        assert BankAccount.objects.get(pk=account.pk).number == NUMBER
    assert raw_number(account) != before


# --- The accounts recorded on the tenure before ----------------------------------------------------------


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_an_account_recorded_on_the_tenure_becomes_a_confirmed_account_from_the_first_month(
    alice, gina, olivia
):
    tenure = make_tenure(alice, gina, officer=olivia, name="王建国")
    make_bank_account(tenure, number=OLD_NUMBER, bank="中国农业银行", branch="威海环翠支行")
    try:
        old_apps = _migrate(("tenure", "0003_termendreminder"))
        OldTenure = old_apps.get_model("tenure", "Tenure")
        old = OldTenure.objects.get(pk=tenure.pk)
        assert (old.bank_name, old.bank_account) == ("中国农业银行威海环翠支行", OLD_NUMBER)
        OldTenure.objects.filter(pk=tenure.pk).update(bank_account="6228 4804 3801 9876 543")
    finally:
        migrate_to_latest()

    [account] = BankAccount.objects.all()
    assert (account.tenure_id, account.bank, account.number, account.account_name) == (
        tenure.pk,
        "中国农业银行威海环翠支行",
        NUMBER,
        "王建国",
    )
    assert (account.state, account.applies_from) == (CONFIRMED, date(2024, 12, 1))
    assert NUMBER not in raw_number(account)


# --- The rules, role by role -----------------------------------------------------------------------------


def test_the_table_covers_every_state_and_only_a_request_is_decided():
    assert set(BANK_ACCOUNT_TRANSITIONS) == set(BankAccountState.values)
    assert {state: set(targets) for state, targets in BANK_ACCOUNT_TRANSITIONS.items() if targets} == {
        BankAccountState.REQUESTED: {CONFIRMED, RETURNED}
    }


@pytest.mark.parametrize("state", BankAccountState.values)
def test_each_rule_is_held_by_its_role_alone_in_every_state(holder, tenure, weihai_officer, state):
    account = make_bank_account(tenure, number=NUMBER)
    BankAccount.objects.filter(pk=account.pk).update(state=state)
    account.refresh_from_db()
    people = {role: make_user(f"rule-{role}", role) for role in Role.values}
    people.update({"holder": holder, "weihai_officer": weihai_officer})
    expected = {
        "tenure.bank_account_request": {"holder"},
        "tenure.bank_account_decide": {Role.OFFICER.value},
        "tenure.bank_account_reveal": {Role.OFFICER.value},
    }
    for perm, holders in expected.items():
        obj = tenure if perm == "tenure.bank_account_request" else account
        assert {who for who, user in people.items() if rules.has_perm(perm, user, obj)} == holders, perm


def test_a_confirmation_sent_twice_confirms_once(client, holder, tenure, olivia):
    old = make_bank_account(tenure, number=OLD_NUMBER)
    account = ask(holder, tenure)
    client.force_login(olivia)
    url = reverse("tenure:bank_decide", args=[account.pk])
    data = {"decision": "confirm", "reason": "", "confirmed": "yes"}

    first = client.post(url, data)
    second = client.post(url, data, follow=True)

    assert first.status_code == 302
    assert second.redirect_chain == [(url, 302)]
    assert second.context["form"] is None
    assert "银行账户变更申请当前为“已确认”，不能变更为“已确认”。" in second.content.decode()
    assert AuditRecord.objects.filter(action="tenure.bank_account_confirm").count() == 1
    assert AuditRecord.objects.filter(action="tenure.bank_account_supersede").count() == 1
    assert BankAccount.objects.get(pk=old.pk).state == BankAccountState.SUPERSEDED


def test_a_returned_request_cannot_be_confirmed_from_the_page(client, holder, tenure, olivia):
    account = ask(holder, tenure)
    bank_account_transition(actor=olivia, account=account, to_state=RETURNED, reason="重填")
    client.force_login(olivia)

    response = client.post(
        reverse("tenure:bank_decide", args=[account.pk]), {"decision": "confirm", "confirmed": "yes"}
    )

    assert response.status_code == 302
    assert BankAccount.objects.get(pk=account.pk).state == RETURNED
    assert not bank_accounts_current(tenures=[tenure])
