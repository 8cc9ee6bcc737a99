"""The public roster and certificate verification: no login, published rounds only, no personal data."""

from datetime import date, datetime

import pytest
from django.urls import reverse

from chieftech.certificates.models import Certificate
from chieftech.core.pii import mask_bank_account
from chieftech.selection.models import Application
from chieftech.tenure.models import TenureStatus
from tests.certificates.factories import make_approved_round
from tests.factories import SHANGHAI, make_bank_account

BANK_ACCOUNT = "6222021602001234567"


@pytest.fixture
def published(olivia, leo, gina, alice, bob):
    round_, proposed = make_approved_round(olivia, leo, gina, [alice, bob], n=3)
    return round_, [Certificate.objects.get(tenure__application=a) for a in proposed]


def verify_url(certificate) -> str:
    return reverse("verify:verify", args=[certificate.verification_code])


# --- Verification ---------------------------------------------------------------------------------


def test_a_valid_certificate_shows_its_holder_round_number_term_and_status(client, published):
    round_, certificates = published
    certificate = certificates[0]

    response = client.get(verify_url(certificate))

    assert response.status_code == 200
    assert response.context["status"].label == "有效"
    assert response.context["facts"] == [
        ("姓名", "王建国"),
        ("现工作单位", "威海甲精密机械有限公司"),
        ("职业（工种）", "数控车工"),
        ("证书编号", "HCSJ-2026-001"),
        ("选拔批次", round_.title),
        ("批准文号", "威环政字〔2026〕12号"),
        ("管理期", "2026年12月31日至2028年12月30日"),
        ("发证日期", "2026年12月31日"),
    ]
    html = response.content.decode()
    assert '<p class="verify-badge status status-ok" id="verify-status">有效</p>' in html


@pytest.mark.parametrize(
    ("fields", "label", "css"),
    [
        (
            {"status": TenureStatus.SUSPENDED, "status_since": date(2027, 4, 1)},
            "保留资格、停止待遇",
            "status-warn",
        ),
        ({"ends_on": date(2026, 11, 1)}, "已期满", "status-bad"),
        ({"status": TenureStatus.EXPIRED}, "已期满", "status-bad"),
        ({"status": TenureStatus.REVOKED, "status_since": date(2027, 5, 20)}, "已取消资格", "status-bad"),
    ],
)
def test_each_status_is_shown_with_its_badge(client, published, fields, label, css):
    _, certificates = published
    tenure = certificates[1].tenure
    for name, value in fields.items():
        setattr(tenure, name, value)
    tenure.save(update_fields=list(fields))

    response = client.get(verify_url(certificates[1]))

    assert response.status_code == 200
    assert response.context["status"].label == label
    assert f'<p class="verify-badge status {css}" id="verify-status">{label}</p>' in response.content.decode()


def test_a_withdrawn_certificate_shows_revoked(client, published):
    _, certificates = published
    certificate = certificates[2]
    certificate.withdrawn_at = datetime(2027, 5, 21, 9, tzinfo=SHANGHAI)
    certificate.save(update_fields=["withdrawn_at"])

    response = client.get(verify_url(certificate))

    assert response.context["status"].label == "已取消资格"


def test_an_unknown_code_is_a_404_page_saying_no_such_certificate(client, published):
    response = client.get(reverse("verify:verify", args=["ZZZZZZZZZZZZ"]))

    assert response.status_code == 404
    assert response.templates[0].name == "certificates/verify_not_found.html"
    html = response.content.decode()
    assert '<h1 id="not-found-title">未查询到该证书</h1>' in html
    assert "查验码“ZZZZZZZZZZZZ”没有对应的环翠区首席技师证书。" in html


def test_a_certificate_of_a_round_not_yet_published_is_not_found(client, olivia, leo, gina, alice):
    _, proposed = make_approved_round(olivia, leo, gina, [alice], n=1, publish=False)
    certificate = Certificate.objects.get(tenure__application=proposed[0])

    assert client.get(verify_url(certificate)).status_code == 404


def test_a_code_typed_in_lower_case_goes_to_the_certificates_page(client, published):
    _, certificates = published
    code = certificates[0].verification_code

    response = client.get(f"/verify/{code.lower()}/")

    assert response.status_code == 302
    assert response["Location"] == f"/verify/{code}/"


# --- The look-up box ------------------------------------------------------------------------------


def test_the_look_up_box_sends_a_known_code_to_its_page(client, published):
    _, certificates = published
    code = certificates[0].verification_code

    response = client.get(reverse("verify:lookup"), {"code": f" {code[:4].lower()}-{code[4:]} "})

    assert response.status_code == 302
    assert response["Location"] == f"/verify/{code}/"


def test_the_look_up_box_accepts_the_address_a_qr_reader_shows(client, published, settings):
    _, certificates = published
    code = certificates[0].verification_code

    response = client.get(reverse("verify:lookup"), {"code": f"{settings.PUBLIC_BASE_URL}/verify/{code}/"})

    assert response["Location"] == f"/verify/{code}/"


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("", "请输入证书查验码或证书编号。"),
        ("   ", "请输入证书查验码或证书编号。"),
        ("ABCDEFGHJKMN", "未找到该证书，请核对查验码或证书编号。"),
    ],
)
def test_a_blank_or_unknown_code_is_told_at_the_field(client, published, value, error):
    response = client.get(reverse("verify:lookup"), {"code": value})

    assert response.status_code == 200
    assert response.context["error"] == error
    assert f'<ul class="errorlist" id="code-error"><li>{error}</li></ul>' in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()


def test_the_look_up_page_without_a_code_shows_the_empty_box(client):
    response = client.get(reverse("verify:lookup"))

    assert response.status_code == 200
    assert response.context["error"] == ""


# --- The roster -----------------------------------------------------------------------------------


def test_the_roster_lists_the_latest_published_round_with_links_to_verification(client, published):
    round_, certificates = published

    response = client.get(reverse("verify:roster"))

    assert response.status_code == 200
    assert response.context["round"] == round_
    assert [
        (r["name"], r["enterprise"], r["occupation"], r["number"], r["url"], r["term"])
        for r in response.context["rows"]
    ] == [
        (
            c.tenure.application.name,
            c.tenure.application.enterprise.name,
            "数控车工",
            c.number,
            f"/verify/{c.verification_code}/",
            "2026年12月31日至2028年12月30日",
        )
        for c in certificates
    ]
    html = response.content.decode()
    assert f'href="/verify/{certificates[0].verification_code}/"' in html
    assert client.get(response.context["rows"][0]["url"]).status_code == 200


def test_older_published_rounds_are_listed_below_and_can_be_opened(client, olivia, leo, gina, alice):
    older, _ = make_approved_round(
        olivia, leo, gina, [alice], n=1, title="2024年度环翠区首席技师选拔", year=2024
    )
    newer, _ = make_approved_round(
        olivia,
        leo,
        gina,
        [alice],
        n=2,
        title="2026年度环翠区首席技师选拔",
        confirmed=True,
        document_number="威环政字〔2026〕13号",
    )
    # The older one was published first.
    older.government_approval.published_at = datetime(2025, 1, 6, 9, tzinfo=SHANGHAI)
    older.government_approval.save(update_fields=["published_at"])

    response = client.get(reverse("verify:roster"))

    assert response.context["round"] == newer
    assert response.context["others"] == [
        {
            "title": "2024年度环翠区首席技师选拔",
            "url": f"?round={older.pk}",
            "document_number": "威环政字〔2026〕12号",
            "published_on": "2025年1月6日",
        }
    ]
    older_page = client.get(reverse("verify:roster"), {"round": older.pk})
    assert older_page.context["round"] == older
    assert [r["number"] for r in older_page.context["rows"]] == ["HCSJ-2024-001"]
    assert [o["title"] for o in older_page.context["others"]] == ["2026年度环翠区首席技师选拔"]


def test_an_approved_round_not_yet_published_is_not_on_the_roster(client, olivia, leo, gina, alice):
    make_approved_round(olivia, leo, gina, [alice], n=1, publish=False)

    response = client.get(reverse("verify:roster"))

    assert response.context["round"] is None
    assert "暂无已公布的首席技师名单。" in response.content.decode()


@pytest.mark.parametrize("n", [1, 3])
def test_the_roster_costs_the_same_for_1_and_3_entries(
    client, olivia, leo, gina, alice, bob, django_assert_num_queries, n
):
    make_approved_round(olivia, leo, gina, [alice, bob], n=n)

    with django_assert_num_queries(2):
        response = client.get(reverse("verify:roster"))

    assert len(response.context["rows"]) == n


# --- Nothing personal leaks -----------------------------------------------------------------------


def test_no_id_number_phone_bank_account_or_street_address_appears_on_the_public_pages(client, published):
    _, certificates = published
    for certificate in certificates:
        tenure = certificate.tenure
        make_bank_account(tenure, number=BANK_ACCOUNT, bank="中国工商银行", branch="威海分行")
    applications = list(
        Application.objects.filter(tenure__certificate__in=certificates).select_related("enterprise")
    )
    secrets = {BANK_ACCOUNT, mask_bank_account(BANK_ACCOUNT), "中国工商银行", "威海分行"}
    for application in applications:
        secrets |= {
            application.id_number,
            application.id_number_masked,
            application.phone,
            application.phone_masked,
        }
        secrets |= {application.enterprise.contact_phone, application.enterprise.address}
    assert len([s for s in secrets if s]) >= 10

    pages = [
        reverse("verify:roster"),
        reverse("verify:lookup"),
        reverse("verify:lookup") + "?code=",
        *[verify_url(c) for c in certificates],
    ]
    leaks = {}
    for url in pages:
        html = client.get(url).content.decode()
        found = sorted(s for s in secrets if s and s in html)
        if found:
            leaks[url] = found

    assert leaks == {}


def test_the_public_pages_need_no_login_and_fit_a_phone(client, published):
    _, certificates = published
    for url in (reverse("verify:roster"), reverse("verify:lookup"), verify_url(certificates[0])):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


@pytest.mark.parametrize("code", ["AB%00CD", "%E2%80%AE" * 3, "A" * 200, "%2e%2e"])
def test_a_malformed_code_is_simply_not_found(client, published, code):
    response = client.get(f"/verify/{code}/")

    assert response.status_code == 404
    assert response.templates[0].name == "certificates/verify_not_found.html"


@pytest.mark.parametrize("value", ["AB\x00CD", "http://[bad/verify/ABC/", "X" * 5000])
def test_a_malformed_look_up_is_told_at_the_field(client, published, value):
    response = client.get(reverse("verify:lookup"), {"code": value})

    assert response.status_code == 200
    assert response.context["error"] == "未找到该证书，请核对查验码或证书编号。"


# --- Look-up by certificate number ----------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "HCSJ-2026-002",
        "hcsj-2026-002",
        "  HCSJ-2026-002  ",
        "hcsj 2026 002",
        "HCSJ2026002",
        "ＨＣＳＪ－２０２６－２",
    ],
)
def test_the_look_up_box_finds_a_certificate_by_its_number(client, published, typed):
    certificate = Certificate.objects.get(number="HCSJ-2026-002")

    response = client.get(reverse("verify:lookup"), {"code": typed})

    assert response.status_code == 302
    assert response["Location"] == f"/verify/{certificate.verification_code}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert dict(page.context["facts"])["证书编号"] == "HCSJ-2026-002"


def test_by_number_and_by_code_the_same_result_page_without_personal_data(client, published):
    _, certificates = published
    certificate = certificates[0]
    application = Application.objects.get(pk=certificate.tenure.application_id)

    by_number = client.get(reverse("verify:lookup"), {"code": certificate.number}, follow=True)
    by_code = client.get(reverse("verify:lookup"), {"code": certificate.verification_code}, follow=True)

    assert (
        by_number.redirect_chain
        == by_code.redirect_chain
        == [(f"/verify/{certificate.verification_code}/", 302)]
    )
    assert by_number.content == by_code.content
    html = by_number.content.decode()
    assert [s for s in (application.id_number, application.phone) if s in html] == []


@pytest.mark.parametrize("typed", ["HCSJ-2026-999", "XXSJ-2026-001", "HCSJ-1999-001"])
def test_an_unknown_number_is_not_found_at_the_field(client, published, typed):
    response = client.get(reverse("verify:lookup"), {"code": typed})

    assert response.status_code == 200
    assert response.context["error"] == "未找到该证书，请核对查验码或证书编号。"


def test_look_ups_from_one_address_are_limited_whether_by_number_or_by_code(client, published, settings):
    _, certificates = published
    settings.VERIFY_LOOKUPS_PER_IP_PER_HOUR = 3
    lookups = [certificates[0].number, certificates[1].verification_code, "HCSJ-2026-999"]

    assert [client.get(reverse("verify:lookup"), {"code": v}).status_code for v in lookups] == [302, 302, 200]
    refused = client.get(reverse("verify:lookup"), {"code": certificates[2].number})
    assert refused.status_code == 429
    assert refused.context["error"] == "查验次数过多，请一小时后再试。"
    # Another address is not held back.
    other = client.get(reverse("verify:lookup"), {"code": certificates[2].number}, REMOTE_ADDR="198.51.100.9")
    assert other.status_code == 302
