"""Periodic password change (CHIEFTECH_PASSWORD_MAX_AGE_DAYS): when set, a password older than that sends
every page to the change form until it is changed; when 0 (the default), passwords never expire."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from chieftech.accounts.models import User
from tests.factories import PASSWORD, make_user

CHANGE = reverse("accounts:password_change")
DUE = "您的密码已超过90天未修改，按安全要求请先修改密码再继续使用。"


@pytest.fixture
def wang(db):
    user = make_user("wangfang")
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=91))
    return user


def _sign_in(client, username="wangfang"):
    return client.post("/accounts/login/", {"username": username, "password": PASSWORD})


def test_setting_a_password_records_when(db):
    before = timezone.now()
    user = make_user("wangfang")

    assert before <= user.password_changed_at <= timezone.now()


@override_settings(PASSWORD_MAX_AGE_DAYS=90)
def test_an_expired_password_sends_the_user_from_login_and_every_page_to_the_change_form(client, wang):
    login = _sign_in(client)
    home = client.get(login["Location"])
    elsewhere = client.post(reverse("accounts:acting_authority_switch"), {"authority": "1"})
    form = client.get(CHANGE)

    assert (login.status_code, login["Location"]) == (302, reverse("core:home"))
    assert (home.status_code, home["Location"]) == (302, CHANGE)
    assert (elsewhere.status_code, elsewhere["Location"]) == (302, CHANGE)
    assert form.status_code == 200
    assert [str(m) for m in form.context["messages"]] == [DUE]


@override_settings(PASSWORD_MAX_AGE_DAYS=90)
def test_after_the_change_the_pages_open_again(client, wang):
    _sign_in(client)

    response = client.post(
        CHANGE,
        {
            "old_password": PASSWORD,
            "new_password1": "Weihai-skill-2027",
            "new_password2": "Weihai-skill-2027",
        },
    )
    home = client.get(reverse("core:home"))

    assert (response.status_code, response["Location"]) == (302, reverse("core:home"))
    assert home.status_code == 200
    wang.refresh_from_db()
    assert timezone.now() - wang.password_changed_at < timedelta(minutes=1)


@override_settings(PASSWORD_MAX_AGE_DAYS=90)
def test_a_password_younger_than_the_limit_is_left_alone(client, db):
    user = make_user("wangfang")
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - timedelta(days=89))
    _sign_in(client)

    assert client.get(reverse("core:home")).status_code == 200


@override_settings(PASSWORD_MAX_AGE_DAYS=90)
def test_a_password_set_before_its_time_was_recorded_is_due(client, db):
    user = make_user("wangfang")
    User.objects.filter(pk=user.pk).update(password_changed_at=None)
    _sign_in(client)

    assert client.get(reverse("core:home"))["Location"] == CHANGE


@override_settings(PASSWORD_MAX_AGE_DAYS=0)
def test_with_the_setting_off_an_old_password_is_not_asked_to_change(client, wang):
    _sign_in(client)

    assert client.get(reverse("core:home")).status_code == 200


@override_settings(PASSWORD_MAX_AGE_DAYS=90)
def test_an_htmx_request_is_sent_to_the_change_form_by_header(client, wang):
    _sign_in(client)

    response = client.get(reverse("core:home"), headers={"HX-Request": "true"})

    assert (response.status_code, response["HX-Redirect"]) == (204, CHANGE)
