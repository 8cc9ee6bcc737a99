"""Before the idle timeout the page warns and can keep the session going; a form posted after it goes
through the login back to the page it was on, which is told to restore what had been typed."""

import time
from datetime import timedelta

import lxml.html
from django.urls import reverse

from chieftech.accounts.roles import Role
from chieftech.core.middleware import SESSION_DRAFT_RESTORE, SESSION_LAST_ACTIVITY
from tests.factories import PASSWORD, make_application, make_round, make_user

KEEPALIVE = "/session/keepalive/"


def _idle_for(client, seconds):
    session = client.session
    session[SESSION_LAST_ACTIVITY] = time.time() - seconds
    session.save()


def _restores(response) -> bool:
    return lxml.html.fromstring(response.content.decode()).body.get("data-draft-restore") is not None


def test_signed_in_pages_carry_the_idle_times_from_the_settings(client, alice, settings):
    settings.IDLE_TIMEOUT = timedelta(minutes=10)
    settings.IDLE_WARNING = timedelta(minutes=2)
    client.force_login(alice)

    doc = lxml.html.fromstring(client.get(reverse("core:home")).content.decode())

    (meta,) = doc.xpath('//meta[@name="chieftech-idle"]')
    assert (meta.get("content"), meta.get("data-warn-seconds"), meta.get("data-keepalive-url")) == (
        "600",
        "120",
        KEEPALIVE,
    )
    assert doc.xpath('//script[contains(@src, "session.js")]/@defer') == ["defer"]


def test_anonymous_pages_have_no_idle_warning(client, db):
    html = client.get(reverse("accounts:login")).content.decode()

    assert 'name="chieftech-idle"' not in html
    assert "session.js" not in html


def test_keepalive_restarts_the_idle_time(client, alice, settings):
    client.force_login(alice)
    _idle_for(client, settings.IDLE_TIMEOUT.total_seconds() - 60)
    before = time.time()

    response = client.post(KEEPALIVE)

    assert (response.status_code, response.json()) == (200, {"remaining": 1800})
    assert client.session[SESSION_LAST_ACTIVITY] >= before
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_keepalive_does_not_revive_an_ended_session(client, alice, settings):
    client.force_login(alice)
    _idle_for(client, settings.IDLE_TIMEOUT.total_seconds() + 1)

    response = client.post(KEEPALIVE)

    assert response.status_code == 401
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("core:home"))["Location"] == "/accounts/login/?next=/home/"


def test_keepalive_is_for_signed_in_users_and_posts_only(client, alice):
    assert client.post(KEEPALIVE)["Location"] == f"/accounts/login/?next={KEEPALIVE}"
    client.force_login(alice)
    assert client.get(KEEPALIVE).status_code == 405


def test_a_save_into_an_ended_session_returns_to_its_page_which_restores_the_typing(
    client, alice, olivia, settings
):
    application = make_application(alice, make_round(olivia))
    edit = reverse("selection:application_edit", args=[application.pk])
    client.force_login(alice)
    _idle_for(client, settings.IDLE_TIMEOUT.total_seconds() + 1)

    response = client.post(edit, {"name": "王建国"}, HTTP_REFERER=f"http://testserver{edit}")

    assert response["Location"] == f"/accounts/login/?next={edit}"
    assert "_auth_user_id" not in client.session
    signed_in = client.post(response["Location"], {"username": "alice", "password": PASSWORD})
    assert signed_in["Location"] == edit
    assert _restores(client.get(edit)) is True
    # Once only: a later visit to the page shows what is saved.
    assert _restores(client.get(edit)) is False


def test_another_person_signing_in_on_the_same_browser_is_not_given_the_restore(client, olivia, settings):
    round_ = make_round(olivia, publish=False)
    edit = reverse("selection:round_edit", args=[round_.pk])
    client.force_login(olivia)
    _idle_for(client, settings.IDLE_TIMEOUT.total_seconds() + 1)
    client.post(edit, {}, HTTP_REFERER=f"http://testserver{edit}")
    assert client.session[SESSION_DRAFT_RESTORE]["path"] == edit

    make_user("owen", Role.OFFICER)
    client.post(reverse("accounts:login"), {"username": "owen", "password": PASSWORD})

    page = client.get(edit)

    assert page.status_code == 200
    assert _restores(page) is False
    assert SESSION_DRAFT_RESTORE not in client.session


def test_a_referer_of_another_site_is_not_followed(client, alice, olivia, settings):
    application = make_application(alice, make_round(olivia))
    edit = reverse("selection:application_edit", args=[application.pk])
    client.force_login(alice)
    _idle_for(client, settings.IDLE_TIMEOUT.total_seconds() + 1)

    response = client.post(edit, {}, HTTP_REFERER="https://evil.example/phish/")

    assert response["Location"] == "/accounts/login/?next=/home/"
    assert SESSION_DRAFT_RESTORE not in client.session
