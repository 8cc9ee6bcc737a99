"""The re-review on the home pages: the material awaiting the officer, and the material an enterprise still owes
before its deadline (第十一条)."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from chieftech.accounts.roles import Role
from tests.factories import grant, make_annual_review, make_tenure, make_user, make_weihai


def _items(client, user, role: str) -> list[dict]:
    client.force_login(user)
    [section] = [s for s in client.get(reverse("core:home")).context["sections"] if s["role"] == role]
    return [i for i in section["items"] if "复核" in i["label"]]


def test_submitted_material_awaits_the_officer_of_its_authority_only(client, olivia, alice, gina):
    first = make_tenure(alice, gina, officer=olivia, name="王建国")
    second = make_tenure(alice, gina, round_=first.application.round, name="李秀英")
    make_annual_review(first, state="submitted")
    make_annual_review(second, state="pending", deadline=timezone.localdate() + timedelta(days=3))

    assert _items(client, olivia, "officer") == [
        {"label": "待审核的复核认定材料", "url": reverse("review:campaign_list"), "count": 1}
    ]
    walter = make_user("walter-home")
    grant(walter, Role.OFFICER, authority=make_weihai())
    assert _items(client, walter, "officer") == []


def test_the_enterprise_is_told_of_material_it_still_owes_before_the_deadline(client, olivia, alice, gina):
    today = timezone.localdate()
    owed = make_tenure(alice, gina, officer=olivia, name="王建国")
    late = make_tenure(alice, gina, round_=owed.application.round, name="李秀英")
    sent = make_tenure(alice, gina, round_=owed.application.round, name="张伟")
    make_annual_review(owed, state="returned", deadline=today)
    make_annual_review(late, state="pending", deadline=today - timedelta(days=1))
    make_annual_review(sent, state="submitted", deadline=today + timedelta(days=5))

    assert _items(client, alice, "enterprise") == [
        {"label": "待报送的复核认定材料", "url": reverse("tenure:enterprise_tenures"), "count": 1}
    ]
