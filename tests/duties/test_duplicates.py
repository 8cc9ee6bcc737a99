"""An apprentice or a certificate number claimed by two holders is flagged to the officer of their authority, on
the duplicates page and beside the entry on the ledger; never to the holders, never to another authority."""

from datetime import date

from django.urls import reverse

from chieftech.duties.selectors import ledger_duplicates
from chieftech.policy.models import SkillLevel
from tests.duties.conftest import APPRENTICE_ID
from tests.factories import make_id_number

SHARED_NUMBER = "S2025-3710-0042"
MASKED = APPRENTICE_ID[:4] + "*" * 10 + APPRENTICE_ID[-4:]


def shared_ledgers(hannah, harry, tenure, other_tenure):
    from tests.factories import make_apprentice

    make_apprentice(tenure, by=hannah, id_number=APPRENTICE_ID, name="张小明")
    make_apprentice(other_tenure, by=harry, id_number=APPRENTICE_ID, name="张晓明")
    # Two different apprentices, one certificate number (typed differently).
    make_apprentice(
        tenure, by=hannah, name="刘洋", certificates=[(SkillLevel.SENIOR, date(2025, 6, 1), SHARED_NUMBER)]
    )
    make_apprentice(
        other_tenure,
        by=harry,
        name="陈晨",
        certificates=[(SkillLevel.TECHNICIAN, date(2025, 7, 1), "s2025 3710 0042")],
    )
    # Not shared: one apprentice on one ledger.
    make_apprentice(tenure, by=hannah, name="独自")


def test_the_same_apprentice_and_certificate_on_two_ledgers_are_flagged(hannah, harry, tenure, other_tenure):
    shared_ledgers(hannah, harry, tenure, other_tenure)

    found = ledger_duplicates(authority_ids=[tenure.authority_id])

    assert [(d.kind, d.label, [(c.tenure_id, c.holder, c.apprentice) for c in d.claims]) for d in found] == [
        ("apprentice", MASKED, [(tenure.pk, "王建国", "张小明"), (other_tenure.pk, "李秀英", "张晓明")]),
        ("certificate", SHARED_NUMBER, [(tenure.pk, "王建国", "刘洋"), (other_tenure.pk, "李秀英", "陈晨")]),
    ]


def test_a_duplicate_across_authorities_is_shown_to_neither_officer(
    hannah, harry, tenure, other_tenure, weihai
):
    from chieftech.tenure.models import Tenure
    from tests.factories import make_apprentice

    # Test set-up: the second term moved under Weihai, as if Weihai had selected its holder.
    Tenure.objects.filter(pk=other_tenure.pk).update(authority=weihai)
    make_apprentice(tenure, by=hannah, id_number=APPRENTICE_ID)
    make_apprentice(other_tenure, by=harry, id_number=APPRENTICE_ID)

    assert ledger_duplicates(authority_ids=[tenure.authority_id]) == []
    assert ledger_duplicates(authority_ids=[weihai.pk]) == []
    assert len(ledger_duplicates(authority_ids=[tenure.authority_id, weihai.pk])) == 1


def test_the_officer_sees_the_duplicates_page_masked_and_the_flags_on_the_ledger(
    client, olivia, hannah, harry, tenure, other_tenure
):
    shared_ledgers(hannah, harry, tenure, other_tenure)
    client.force_login(olivia)

    page = client.get(reverse("duties:duplicates"))
    ledger = client.get(reverse("duties:ledger", args=[tenure.pk]))

    body = page.content.decode()
    assert page.status_code == 200
    assert (MASKED in body, APPRENTICE_ID in body, "no-store" in page["Cache-Control"]) == (True, False, True)
    assert [(r["kind"], r["label"], len(r["claims"])) for r in page.context["rows"]] == [
        ("徒弟", MASKED, 2),
        ("技能等级证书", SHARED_NUMBER, 2),
    ]
    assert [
        (r["name"], r["shared"], [c["shared"] for c in r["certificates"]]) for r in ledger.context["rows"]
    ] == [
        ("张小明", True, []),
        ("刘洋", False, [True]),
        ("独自", False, []),
    ]


def test_the_holders_see_no_flags_and_cannot_open_the_duplicates(
    client, hannah, harry, alice, tenure, other_tenure
):
    shared_ledgers(hannah, harry, tenure, other_tenure)

    for user in (hannah, alice):
        client.force_login(user)
        ledger = client.get(reverse("duties:ledger", args=[tenure.pk]))
        assert [r["shared"] for r in ledger.context["rows"]] == [False, False, False]
        assert "重复" not in ledger.content.decode()
        assert client.get(reverse("duties:duplicates")).status_code == 403


def test_weihais_officer_sees_none_of_huancuis_duplicates(
    client, walter, hannah, harry, tenure, other_tenure
):
    shared_ledgers(hannah, harry, tenure, other_tenure)
    client.force_login(walter)

    assert client.get(reverse("duties:duplicates")).context["rows"] == []


def test_the_duplicates_page_reads_the_same_queries_for_one_and_three_duplicates(
    client, olivia, hannah, harry, tenure, other_tenure, django_assert_num_queries
):
    from tests.factories import make_apprentice

    client.force_login(olivia)
    url = reverse("duties:duplicates")

    def share(n, start):
        for i in range(n):
            number = make_id_number(date(2002, 1, 1 + start + i), serial=300 + start + i)
            make_apprentice(tenure, by=hannah, id_number=number)
            make_apprentice(other_tenure, by=harry, id_number=number)

    share(1, 0)
    client.get(url)
    with django_assert_num_queries(11):
        assert len(client.get(url).context["rows"]) == 1
    share(2, 1)
    with django_assert_num_queries(11):
        assert len(client.get(url).context["rows"]) == 3


def test_the_register_leads_the_officer_to_the_duplicates(client, olivia):
    client.force_login(olivia)

    page = client.get(reverse("tenure:tenure_list")).content.decode()

    assert f'href="{reverse("duties:duplicates")}" id="ledger-duplicates"' in page
