"""New accounts have no password their creator knows: the holder sets it once through an activation link,
which expires, works once, dies when a new one is issued, and never appears in the audit log."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from chieftech.accounts.domain import (
    account_activate,
    activation_link_resend,
    user_create,
    user_deactivate,
)
from chieftech.accounts.models import User
from chieftech.audit.models import AuditRecord
from chieftech.core.errors import DomainError
from tests.tasks import run_tasks

HOLDER_PASSWORD = "Huancui-holder-2026"


def _path(link) -> str:
    return reverse("accounts:activate", args=[link.uidb64, link.token])


@pytest.fixture
def created(sam):
    return user_create(
        actor=sam, username="zheng", real_name="郑专家", email="zheng@example.cn", roles=["expert"]
    )


def test_the_creator_never_sees_the_link_and_the_holder_gets_it_by_mail(
    client, sam, django_capture_on_commit_callbacks
):
    client.force_login(sam)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:user_create"),
            {"username": "zheng", "real_name": "郑专家", "email": "zheng@example.cn", "roles": ["expert"]},
            follow=True,
        )

    run_tasks()  # the worker sends the outbox's mail
    user = User.objects.get(username="zheng")
    assert (user.has_usable_password(), user.is_active) == (False, True)
    assert [m.to for m in mail.outbox] == [["zheng@example.cn"]]
    assert "http://127.0.0.1:8000/accounts/activate/" in mail.outbox[0].body
    # Whoever holds the link could set the password: the creator's pages never show it.
    assert "/accounts/activate/" not in response.content.decode()
    page = client.get(reverse("accounts:user_detail", args=[user.pk])).content.decode()
    assert ("/accounts/activate/" in page, "待激活" in page) == (False, True)


def test_an_account_without_an_email_is_not_created(client, sam):
    client.force_login(sam)

    response = client.post(
        reverse("accounts:user_create"), {"username": "zheng", "real_name": "郑专家", "roles": ["expert"]}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == ["这个字段是必填项。"]
    assert not User.objects.filter(username="zheng").exists()
    with pytest.raises(DomainError) as exc:
        user_create(actor=sam, username="zheng", real_name="郑专家", roles=["expert"])
    assert (exc.value.field, exc.value.code) == ("email", "no_email")
    assert not User.objects.filter(username="zheng").exists()


def test_the_holder_sets_a_password_and_signs_in_and_the_link_then_stops_working(client, created):
    link = created.activation

    page = client.get(_path(link))
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "same-origin"
    response = client.post(_path(link), {"new_password1": HOLDER_PASSWORD, "new_password2": HOLDER_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    user = User.objects.get(username="zheng")
    assert user.check_password(HOLDER_PASSWORD) is True
    assert client.get(_path(link)).status_code == 404
    again = client.post(
        _path(link), {"new_password1": "Other-pass-2026x", "new_password2": "Other-pass-2026x"}
    )
    assert again.status_code == 404
    assert User.objects.get(pk=user.pk).check_password(HOLDER_PASSWORD) is True
    login = client.post(
        reverse("accounts:login"), {"username": "zheng", "password": HOLDER_PASSWORD}, REMOTE_ADDR="10.1.1.2"
    )
    assert login.status_code == 302


def test_creation_link_and_activation_are_audited_without_the_token_or_the_password(client, created):
    link = created.activation
    client.post(_path(link), {"new_password1": HOLDER_PASSWORD, "new_password2": HOLDER_PASSWORD})

    records = list(AuditRecord.objects.order_by("pk").values_list("action", "actor_username"))
    assert records == [
        ("user.create", "sam"),
        ("user.activation_issue", "sam"),
        ("user.activate", "zheng"),
    ]
    everything = repr(list(AuditRecord.objects.values()))
    assert link.token not in everything
    assert link.token.split("-")[1] not in everything
    assert HOLDER_PASSWORD not in everything


def test_the_password_rules_of_the_settings_apply(client, created):
    response = client.post(
        _path(created.activation), {"new_password1": "1234509876", "new_password2": "1234509876"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "new_password2": [
            "这个密码太常见了。",
            "密码只包含数字。",
            "密码须包含大写字母、小写字母、数字、符号中的至少3种（还可加入：大写字母、小写字母、符号）。",
        ]
    }
    assert User.objects.get(username="zheng").has_usable_password() is False


def test_the_domain_refuses_a_weak_password_at_the_password_with_every_rule_it_breaks(created):
    link = created.activation

    with pytest.raises(DomainError) as exc:
        account_activate(uidb64=link.uidb64, token=link.token, password="1234509876")

    assert exc.value.code == "weak_password"
    assert exc.value.message_dict == {
        "password": [
            "这个密码太常见了。",
            "密码只包含数字。",
            "密码须包含大写字母、小写字母、数字、符号中的至少3种（还可加入：大写字母、小写字母、符号）。",
        ]
    }
    assert User.objects.get(username="zheng").has_usable_password() is False


def test_the_link_expires(created):
    link = created.activation
    late = link.expires_at + timedelta(minutes=1)

    with pytest.raises(DomainError) as exc:
        account_activate(uidb64=link.uidb64, token=link.token, password=HOLDER_PASSWORD, now=late)

    assert exc.value.code == "link_invalid"
    assert User.objects.get(username="zheng").has_usable_password() is False


def test_a_new_link_replaces_the_old_one(sam, created):
    old = created.activation

    new = activation_link_resend(actor=sam, user=created.user)

    with pytest.raises(DomainError):
        account_activate(uidb64=old.uidb64, token=old.token, password=HOLDER_PASSWORD)
    account_activate(uidb64=new.uidb64, token=new.token, password=HOLDER_PASSWORD)
    assert User.objects.get(username="zheng").check_password(HOLDER_PASSWORD) is True
    with pytest.raises(DomainError) as exc:
        activation_link_resend(actor=sam, user=User.objects.get(username="zheng"))
    assert exc.value.message == "该账号已由本人设置密码并激活，无需再发送激活链接。"


def test_the_resend_button_mails_a_fresh_link_and_shows_none(
    client, sam, created, django_capture_on_commit_callbacks
):
    run_tasks()
    mail.outbox.clear()
    client.force_login(sam)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:user_activation_resend", args=[created.user.pk]), follow=True
        )

    run_tasks()
    assert "/accounts/activate/" not in response.content.decode()
    assert [m.to for m in mail.outbox] == [["zheng@example.cn"]]
    assert created.activation.url not in mail.outbox[0].body
    assert "/accounts/activate/" in mail.outbox[0].body
    assert AuditRecord.objects.filter(action="user.activation_issue").count() == 2


def test_the_officer_resends_only_for_enterprise_accounts(client, olivia, created):
    client.force_login(olivia)

    response = client.post(reverse("accounts:user_activation_resend", args=[created.user.pk]))

    assert response.status_code == 404


def test_a_deactivated_accounts_link_is_dead(sam, created):
    user_deactivate(actor=sam, user=created.user, reason="离职")
    link = created.activation

    with pytest.raises(DomainError):
        account_activate(uidb64=link.uidb64, token=link.token, password=HOLDER_PASSWORD)


def test_a_signed_in_visitor_cannot_use_someone_elses_link(client, sam, created):
    client.force_login(sam)

    response = client.get(_path(created.activation))

    assert response.status_code == 403
    assert "请先退出当前登录的账号" in response.content.decode()


@pytest.mark.parametrize(
    ("uidb64", "token"), [("x", "y"), ("MQ", "abc-def"), ("!!", "1-2"), ("OTk5OTk5", "zzzzzz-00")]
)
def test_malformed_links_are_refused(client, db, uidb64, token):
    response = client.get(reverse("accounts:activate", args=[uidb64, token]))

    assert response.status_code == 404
    assert "激活链接无效、已使用或已过期" in response.content.decode()


def test_the_link_expires_after_the_configured_hours(settings, created):
    settings.ACCOUNT_ACTIVATION_HOURS = 1
    link = created.activation
    now = timezone.now()

    with pytest.raises(DomainError):
        account_activate(
            uidb64=link.uidb64, token=link.token, password=HOLDER_PASSWORD, now=now + timedelta(hours=2)
        )
    account_activate(
        uidb64=link.uidb64, token=link.token, password=HOLDER_PASSWORD, now=now + timedelta(minutes=30)
    )
