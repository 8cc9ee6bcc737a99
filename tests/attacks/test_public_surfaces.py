"""Attacks from outside on the public surfaces: certificate look-ups by number (enumeration, the limit per
address, what an answer shows), the enterprise's copy of the notice, and a copy's personal data."""

from datetime import datetime

import pytest
from django.urls import reverse

from chieftech.certificates.models import Certificate
from tests.certificates.factories import make_approved_round
from tests.factories import SHANGHAI
from tests.publicity.decision_factories import make_other_authority
from tests.publicity.test_notice import published_notice

LOOKUP = "/verify/"


@pytest.fixture
def published(olivia, leo, gina, alice, bob):
    round_, proposed = make_approved_round(olivia, leo, gina, [alice, bob], n=3)
    return round_, proposed, [Certificate.objects.get(tenure__application=a) for a in proposed]


def personal_numbers(applications) -> set[str]:
    return {a.id_number for a in applications} | {a.phone for a in applications}


def test_walking_the_certificate_numbers_stops_at_the_limit_and_shows_no_one(client, published, settings):
    _, proposed, certificates = published
    settings.VERIFY_LOOKUPS_PER_IP_PER_HOUR = 5
    prefix = certificates[0].number.rsplit("-", 1)[0]
    guesses = [f"{prefix}-{n:03d}" for n in range(1, 9)]

    responses = [client.get(LOOKUP, {"code": g}) for g in guesses]

    assert [r.status_code for r in responses] == [302, 302, 302, 200, 200, 429, 429, 429]
    refused = responses[-1].content.decode()
    assert responses[-1].context["error"] == "查验次数过多，请一小时后再试。"
    assert [a.name in refused for a in proposed] == [False, False, False]
    assert [c.verification_code in refused for c in certificates] == [False, False, False]


def test_the_limit_holds_for_the_neighbouring_addresses_of_one_ipv6_network(client, published, settings):
    """One home connection is given a whole /64 of IPv6 addresses: a limit per single address would let it
    walk every certificate number from 2^64 addresses."""
    _, _, certificates = published
    settings.VERIFY_LOOKUPS_PER_IP_PER_HOUR = 3
    addresses = [f"2001:db8:1:2::{n:x}" for n in range(1, 5)]

    statuses = [
        client.get(LOOKUP, {"code": certificates[0].number}, REMOTE_ADDR=a).status_code for a in addresses
    ]

    assert statuses == [302, 302, 302, 429]
    # Another network is not held back.
    other = client.get(LOOKUP, {"code": certificates[0].number}, REMOTE_ADDR="2001:db8:1:3::1")
    assert other.status_code == 302


def test_a_certificate_number_is_not_a_way_round_the_limit_on_the_verification_page(client, published):
    _, _, certificates = published
    response = client.get(reverse("verify:verify", args=[certificates[0].number]))
    assert response.status_code == 404
    assert certificates[0].tenure.application.name not in response.content.decode()


def test_a_withdrawn_certificate_found_by_its_number_shows_revoked_and_no_personal_number(client, published):
    _, proposed, certificates = published
    certificate = certificates[1]
    certificate.withdrawn_at = datetime(2027, 5, 21, 9, tzinfo=SHANGHAI)
    certificate.save(update_fields=["withdrawn_at"])

    response = client.get(LOOKUP, {"code": certificate.number}, follow=True)

    assert response.status_code == 200
    assert response.context["status"].label == "已取消资格"
    html = response.content.decode()
    assert sorted(n for n in personal_numbers(proposed) if n in html) == []


@pytest.mark.parametrize(
    "typed", ["HCSJ-2026-999", "HCSJ-2026-000", "HCSJ-9999-001", "' OR 1=1 --", "９" * 40]
)
def test_an_unknown_or_forged_number_is_told_at_the_field(client, published, typed):
    response = client.get(LOOKUP, {"code": typed})
    assert response.status_code == 200
    assert response.context["error"] == "未找到该证书，请核对查验码或证书编号。"


def test_a_certificate_of_an_approved_but_unpublished_round_is_not_found_by_number(
    client, olivia, leo, gina, alice, bob
):
    _, proposed = make_approved_round(olivia, leo, gina, [alice, bob], n=1, publish=False)
    certificate = Certificate.objects.get(tenure__application=proposed[0])
    response = client.get(LOOKUP, {"code": certificate.number})
    assert (response.status_code, response.context["error"]) == (
        200,
        "未找到该证书，请核对查验码或证书编号。",
    )


# --- The enterprise's copy of the notice ----------------------------------------------------------------


def test_an_enterprise_of_another_authority_gets_no_copy(client, olivia, alice, bob):
    from chieftech.accounts.roles import Role
    from tests.factories import make_enterprise, make_user

    round_, notice, _ = published_notice(olivia, [alice, bob], n=2)
    make_other_authority()
    outsider = make_user(
        "wh-enterprise", Role.ENTERPRISE, enterprise=make_enterprise("威海外地精密有限公司", town="outside")
    )
    client.force_login(outsider)

    urls = [
        reverse("publicity:notice_copy", args=[notice.pk]),
        reverse("publicity:notice_pdf", args=[round_.pk, alice.enterprise_id]),
        reverse("publicity:notice_pdf", args=[round_.pk, outsider.enterprise_id]),
    ]
    assert [client.get(u).status_code for u in urls] == [404, 404, 404]


def test_an_enterprises_copy_carries_no_full_id_or_phone_number(client, olivia, alice, bob):
    import subprocess
    import tempfile
    from pathlib import Path

    _, notice, applications = published_notice(olivia, [alice, bob], n=2)
    client.force_login(alice)
    response = client.get(reverse("publicity:notice_copy", args=[notice.pk]))
    assert response.status_code == 200
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "copy.pdf"
        path.write_bytes(response.content)
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    flat = "".join(text.split())
    assert [a.name in flat for a in applications] == [True, True]
    assert sorted(n for n in personal_numbers(applications) if n in flat) == []


def test_an_ipv4_address_written_as_ipv6_counts_as_itself(client, published, settings):
    _, _, certificates = published
    settings.VERIFY_LOOKUPS_PER_IP_PER_HOUR = 2
    addresses = ["203.0.113.7", "::ffff:203.0.113.7", "::ffff:cb00:7107"]

    statuses = [
        client.get(LOOKUP, {"code": certificates[0].number}, REMOTE_ADDR=a).status_code for a in addresses
    ]

    assert statuses == [302, 302, 429]


def test_no_copy_of_a_draft_notice_nor_of_another_enterprises(client, olivia, alice, bob):
    from tests.publicity.test_notice import prepared_notice

    round_, draft, _ = prepared_notice(olivia, [alice, bob], n=2)
    client.force_login(alice)

    attempts = [
        reverse("publicity:notice_copy", args=[draft.pk]),
        reverse("publicity:notice_pdf", args=[round_.pk, alice.enterprise_id]),
        reverse("publicity:notice_pdf", args=[round_.pk, bob.enterprise_id]),
    ]

    assert [client.get(u).status_code for u in attempts] == [404, 404, 404]
