"""Look-alike user names: full-width letters (ｏｆｆｉｃｅｒ) are folded to their plain form (NFKC) wherever a
name comes in, and user names are unique whatever their case."""

import pytest
from django.core import mail
from django.db import IntegrityError
from django.urls import reverse

from chieftech.accounts.models import User
from tests.factories import PASSWORD, make_uscc
from tests.tasks import run_tasks


def _registration(**changes):
    data = {
        "uscc": make_uscc(870),
        "name": "威海甲数控设备有限公司",
        "town": "wenquan",
        "industry": "manufacturing",
        "industry_focus": "pillar",
        "address": "环翠区温泉镇工业路7号",
        "contact_name": "甲经办",
        "contact_phone": "13963109001",
        "email": "jia@example.cn",
        "username": "jia",
        "password": "Registration-2026",
        "password_confirm": "Registration-2026",
    }
    data.update(changes)
    return data


def test_registering_the_full_width_name_of_an_existing_account_is_treated_as_taken(
    client, olivia, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/register/", _registration(username="ＯＬＩＶＩＡ"))
    run_tasks()

    assert (response.status_code, response["Location"]) == (302, reverse("accounts:login"))
    assert list(User.objects.values_list("username", flat=True)) == ["olivia"]
    [message] = mail.outbox
    assert "未能受理：用户名“OLIVIA”已被使用，请换一个用户名重新提交注册申请。" in message.body


def test_a_full_width_new_name_is_stored_in_its_plain_form(client, db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/register/", _registration(username="ｊｉａ２０２６"))

    assert list(User.objects.values_list("username", flat=True)) == ["jia2026"]


def test_the_system_admin_cannot_create_the_full_width_twin_of_an_account(client, sam, olivia):
    client.force_login(sam)

    response = client.post(
        reverse("accounts:user_create"),
        {"username": "ｏｌｉｖｉａ", "real_name": "假欧丽", "email": "fake@example.cn", "roles": ["expert"]},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"username": ["该用户名已被使用，请换一个。"]}
    assert User.objects.filter(real_name="假欧丽").count() == 0


def test_signing_in_with_the_full_width_name_is_signing_in_as_that_account(client, olivia):
    response = client.post("/accounts/login/", {"username": "ｏｌｉｖｉａ", "password": PASSWORD})

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(olivia.pk)


def test_the_full_width_name_with_a_wrong_password_is_refused_like_the_plain_one(client, olivia):
    plain = client.post("/accounts/login/", {"username": "olivia", "password": "Wrong-guess-1"})
    wide = client.post("/accounts/login/", {"username": "ｏｌｉｖｉａ", "password": "Wrong-guess-1"})

    assert (wide.status_code, wide.context["form"].non_field_errors()) == (
        plain.status_code,
        plain.context["form"].non_field_errors(),
    )
    assert plain.status_code == 200


def test_the_database_refuses_two_names_differing_only_in_case(olivia):
    with pytest.raises(IntegrityError):
        User.objects.create_user(username="Olivia", password=PASSWORD)
