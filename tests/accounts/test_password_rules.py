"""The password rules beyond length: three of the four kinds of character, and never the user name; shown on
every form that sets a password, and met by the demo's and the tests' own passwords."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from chieftech.accounts import domain
from chieftech.accounts.demo import DEFAULT_DEMO_PASSWORD
from chieftech.accounts.models import User
from tests.factories import PASSWORD, make_user

CLASSES_HELP = "你的密码须包含大写字母、小写字母、数字、符号中的至少3种。"
USERNAME_HELP = "你的密码不能包含用户名（不区分大小写）。"


def _messages(password: str, username: str = "wangfang") -> list[str]:
    try:
        validate_password(password, User(username=username))
    except ValidationError as exc:
        return exc.messages
    return []


@pytest.mark.parametrize(
    ("password", "messages"),
    [
        (
            "weihaiskilled",
            ["密码须包含大写字母、小写字母、数字、符号中的至少3种（还可加入：大写字母、数字、符号）。"],
        ),
        (
            "weihai-skilled",
            ["密码须包含大写字母、小写字母、数字、符号中的至少3种（还可加入：大写字母、数字）。"],
        ),
        (
            "weihai2026skill",
            ["密码须包含大写字母、小写字母、数字、符号中的至少3种（还可加入：大写字母、符号）。"],
        ),
        ("weihai-2026-skill", []),
        ("Weihai2026Skill", []),
        ("WEIHAI-2026-SKILL", []),
        ("Weihai Skilled!", []),
        ("Weihai-WANGFANG-9", ["密码不能包含用户名。"]),
        ("Ｗａｎｇｆａｎｇ-2026", ["密码不能包含用户名。"]),
    ],
    ids=[
        "one-class",
        "two-classes",
        "lower-digits",
        "lower-digit-symbol",
        "upper-lower-digit",
        "upper-digit-symbol",
        "space-is-a-symbol",
        "username-any-case",
        "username-full-width",
    ],
)
def test_three_of_four_kinds_and_not_the_username(db, password, messages):
    assert _messages(password) == messages


def test_the_demo_and_test_passwords_meet_the_rules(db):
    assert _messages(DEFAULT_DEMO_PASSWORD, "officer") == []
    assert _messages(PASSWORD, "alice") == []


def test_the_registration_form_lists_the_rules(client, db):
    page = client.get("/accounts/register/").content.decode()

    assert f"<li>{CLASSES_HELP}</li>" in page
    assert f"<li>{USERNAME_HELP}</li>" in page


def test_the_change_form_lists_the_rules_and_refuses_the_username(client, db):
    wang = make_user("wangfang")
    client.force_login(wang)

    page = client.get(reverse("accounts:password_change")).content.decode()
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "Wangfang-2026!", "new_password2": "Wangfang-2026!"},
    )

    assert f"<li>{CLASSES_HELP}</li>" in page
    assert f"<li>{USERNAME_HELP}</li>" in page
    assert response.context["form"].errors == {
        "new_password2": ["密码跟 用户名 太相似了。", "密码不能包含用户名。"]
    }


def test_the_activation_form_lists_the_rules_and_refuses_two_kinds(client, sam):
    created = domain.user_create(
        actor=sam, username="zhao", real_name="赵专家", email="zhao@example.cn", phone="", roles=["expert"]
    )
    path = reverse("accounts:activate", args=[created.activation.uidb64, created.activation.token])

    page = client.get(path).content.decode()
    response = client.post(path, {"new_password1": "weihai-skilled", "new_password2": "weihai-skilled"})

    assert f"<li>{CLASSES_HELP}</li>" in page
    assert response.context["form"].errors == {
        "new_password2": ["密码须包含大写字母、小写字母、数字、符号中的至少3种（还可加入：大写字母、数字）。"]
    }
    assert User.objects.get(username="zhao").has_usable_password() is False
