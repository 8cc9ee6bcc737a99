"""Every role against every page of accounts: allowed (200), refused (403), unknown to them (404), or
sent to sign in (302). Separation of duties is part of the table: the system admin gets 403 on the
audit log, the audit admin 403 on everything that changes data."""

import pytest
from django.urls import reverse
from django.utils import timezone

from chieftech.accounts.models import RoleProposal

USERS = ["anonymous", "alice", "bob", "olivia", "erin", "chris", "leo", "gina", "aubrey", "sam", "stranger"]

# Page -> expected status per user; "login" means a redirect to the login page.
PAGES = {
    #                       anon     alice bob  olivia erin chris leo  gina aubrey sam  stranger
    "home":                ["login", 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    "password_change":     ["login", 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
    "enterprise_list":     ["login", 403, 403, 200, 403, 403, 403, 403, 403, 403, 403],
    "enterprise_create":   ["login", 403, 403, 200, 403, 403, 403, 403, 403, 403, 403],
    "enterprise_detail_a": ["login", 200, 404, 200, 404, 404, 404, 404, 404, 404, 404],
    "enterprise_edit_a":   ["login", 403, 403, 200, 403, 403, 403, 403, 403, 403, 403],
    "my_enterprise":       ["login", 200, 200, 404, 404, 404, 404, 404, 404, 404, 404],
    "registration_list":   ["login", 403, 403, 200, 403, 403, 403, 403, 403, 403, 403],
    "registration_refuse": ["login", 403, 403, 200, 403, 403, 403, 403, 403, 403, 403],
    "user_list":           ["login", 403, 403, 200, 403, 403, 403, 403, 403, 200, 403],
    "user_create":         ["login", 403, 403, 200, 403, 403, 403, 403, 403, 200, 403],
    "user_detail_alice":   ["login", 403, 403, 200, 403, 403, 403, 403, 403, 200, 403],
    "user_detail_erin":    ["login", 403, 403, 404, 403, 403, 403, 403, 403, 200, 403],
    "audit_log":           ["login", 403, 403, 403, 403, 403, 403, 403, 200, 403, 403],
    "role_proposal_list":  ["login", 403, 403, 403, 403, 403, 403, 403, 403, 200, 403],
}  # fmt: skip

# State-changing requests (POST). 302 is the redirect after a successful action.
ACTIONS = {
    #                          anon     alice bob  olivia erin chris leo  gina aubrey sam  stranger
    "registration_approve":   ["login", 403, 403, 302, 403, 403, 403, 403, 403, 403, 403],
    "registration_refuse":    ["login", 403, 403, 302, 403, 403, 403, 403, 403, 403, 403],
    "enterprise_edit_a":      ["login", 403, 403, 302, 403, 403, 403, 403, 403, 403, 403],
    "enterprise_reveal_a":    ["login", 403, 403, 200, 403, 403, 403, 403, 403, 403, 403],
    "user_reveal_alice":      ["login", 403, 403, 200, 403, 403, 403, 403, 403, 403, 403],
    "user_edit_alice":        ["login", 403, 403, 302, 403, 403, 403, 403, 403, 302, 403],
    "user_deactivate_alice":  ["login", 403, 403, 302, 403, 403, 403, 403, 403, 302, 403],
    "user_roles_erin":        ["login", 403, 403, 404, 403, 403, 403, 403, 403, 302, 403],
    "user_activation_alice":  ["login", 403, 403, 302, 403, 403, 403, 403, 403, 302, 403],
    "user_activation_erin":   ["login", 403, 403, 404, 403, 403, 403, 403, 403, 302, 403],
    "role_proposal_approve":  ["login", 403, 403, 403, 403, 403, 403, 403, 403, 302, 403],
    "role_proposal_refuse":   ["login", 403, 403, 403, 403, 403, 403, 403, 403, 302, 403],
}  # fmt: skip


@pytest.fixture
def world(
    alice, bob, olivia, erin, chris, leo, gina, aubrey, sam, stranger, enterprise_a, pending_enterprise
):
    return {
        "users": {
            "alice": alice,
            "bob": bob,
            "olivia": olivia,
            "erin": erin,
            "chris": chris,
            "leo": leo,
            "gina": gina,
            "aubrey": aubrey,
            "sam": sam,
            "stranger": stranger,
        },
        "enterprise_a": enterprise_a,
        "pending": pending_enterprise,
        # sam's own proposal: sam may withdraw it and is refused (with a message) approving it.
        "proposal": RoleProposal.objects.create(
            user=stranger,
            roles_before=[],
            roles_after=["auditor"],
            proposed_by=sam,
            proposed_at=timezone.now(),
        ),
    }


def _page_url(name: str, world) -> str:
    a, users = world["enterprise_a"], world["users"]
    return {
        "home": reverse("core:home"),
        "password_change": reverse("accounts:password_change"),
        "enterprise_list": reverse("accounts:enterprise_list"),
        "enterprise_create": reverse("accounts:enterprise_create"),
        "enterprise_detail_a": reverse("accounts:enterprise_detail", args=[a.pk]),
        "enterprise_edit_a": reverse("accounts:enterprise_edit", args=[a.pk]),
        "my_enterprise": reverse("accounts:my_enterprise"),
        "registration_list": reverse("accounts:registration_list"),
        "registration_refuse": reverse("accounts:registration_refuse", args=[world["pending"].pk]),
        "user_list": reverse("accounts:user_list"),
        "user_create": reverse("accounts:user_create"),
        "user_detail_alice": reverse("accounts:user_detail", args=[users["alice"].pk]),
        "user_detail_erin": reverse("accounts:user_detail", args=[users["erin"].pk]),
        "audit_log": reverse("audit:record_list"),
        "role_proposal_list": reverse("accounts:role_proposal_list"),
    }[name]


def _action(name: str, world) -> tuple[str, dict]:
    a, users, pending = world["enterprise_a"], world["users"], world["pending"]
    enterprise_data = {
        "name": a.name,
        "uscc": a.uscc,
        "town": a.town,
        "industry": a.industry,
        "industry_focus": a.industry_focus,
        "address": "环翠区新地址1号",
        "contact_name": a.contact_name,
        "contact_phone": "",
    }
    return {
        "registration_approve": (reverse("accounts:registration_approve", args=[pending.pk]), {}),
        "registration_refuse": (
            reverse("accounts:registration_refuse", args=[pending.pk]),
            {"reason": "营业执照信息与填报不符。"},
        ),
        "enterprise_edit_a": (reverse("accounts:enterprise_edit", args=[a.pk]), enterprise_data),
        "enterprise_reveal_a": (reverse("accounts:enterprise_reveal_phone", args=[a.pk]), {}),
        "user_reveal_alice": (reverse("accounts:user_reveal_phone", args=[users["alice"].pk]), {}),
        "user_edit_alice": (
            reverse("accounts:user_detail", args=[users["alice"].pk]),
            {"real_name": "艾丽丝", "email": "", "phone": ""},
        ),
        "user_deactivate_alice": (reverse("accounts:user_deactivate", args=[users["alice"].pk]), {}),
        "user_roles_erin": (reverse("accounts:user_roles", args=[users["erin"].pk]), {"roles": ["chair"]}),
        "user_activation_alice": (reverse("accounts:user_activation_resend", args=[users["alice"].pk]), {}),
        "user_activation_erin": (reverse("accounts:user_activation_resend", args=[users["erin"].pk]), {}),
        "role_proposal_approve": (reverse("accounts:role_proposal_approve", args=[world["proposal"].pk]), {}),
        "role_proposal_refuse": (reverse("accounts:role_proposal_refuse", args=[world["proposal"].pk]), {}),
    }[name]


def _check(response, expected, url):
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('accounts:login')}?next={url}"
    else:
        assert response.status_code == expected


def _sign_in(client, world, who):
    if who != "anonymous":
        world["users"]["alice"].phone = "13863100001"
        world["users"]["alice"].save(update_fields=["phone"])
        client.force_login(world["users"][who])


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("who", USERS)
def test_page_access(client, world, who, page):
    _sign_in(client, world, who)
    url = _page_url(page, world)

    _check(client.get(url), PAGES[page][USERS.index(who)], url)


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("who", USERS)
def test_action_access(client, world, who, action):
    _sign_in(client, world, who)
    url, data = _action(action, world)

    _check(client.post(url, data), ACTIONS[action][USERS.index(who)], url)


def test_public_pages_open_without_login(client, db):
    assert client.get(reverse("accounts:login")).status_code == 200
    assert client.get(reverse("accounts:register")).status_code == 200


def test_a_signed_in_user_is_sent_home_from_the_registration_form(client, alice):
    client.force_login(alice)

    response = client.get(reverse("accounts:register"))

    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")


def test_enterprise_b_user_gets_404_on_enterprise_a_and_its_data_does_not_appear(
    client, bob, alice, enterprise_a
):
    client.force_login(bob)

    response = client.get(reverse("accounts:enterprise_detail", args=[enterprise_a.pk]))
    own = client.get(reverse("accounts:my_enterprise"))

    assert response.status_code == 404
    assert enterprise_a.name not in response.content.decode()
    assert own.status_code == 200
    assert enterprise_a.name not in own.content.decode()
    assert "alice" not in own.content.decode()
