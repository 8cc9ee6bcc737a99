"""The officer's register under hostile filters and filters naming another authority's rows, and the public
pages' cache against anonymous visitors: nothing they send makes a page stale after a change, and nothing
they send stays in the shared cache for good."""

from datetime import UTC, date, timedelta
from io import BytesIO

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from chieftech.certificates.models import Certificate
from chieftech.tenure.domain.transitions import tenure_transition
from chieftech.tenure.models import TenureStatus
from tests.certificates.factories import make_approved_round
from tests.core.test_cache_shared import DATABASE_CACHE
from tests.tenure.test_register import city, far_officer, far_tenure, register  # noqa: F401

REGISTER = reverse("tenure:tenure_list")
EXPORT = reverse("tenure:register_export")
SUSPENDED_CELL = '<td data-label="状态"><span class="status status-warn">保留资格、停止待遇</span></td>'


def names(response) -> list[str]:
    return [row["name"] for row in response.context["rows"]]


def export_names(response) -> list[str]:
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    return [row[1] for row in sheet.iter_rows(min_row=4, values_only=True)]


# --- The register's filters ---------------------------------------------------------------------------------


HOSTILE = [
    {"round": "99999999999999999999999"},
    {"round": "-1"},
    {"round": "1 OR 1=1"},
    {"enterprise": "1;DROP TABLE tenure_tenure"},
    {"enterprise": "１"},
    {"enterprise": "0x10"},
    {"status": "active' OR '1'='1"},
    {"status": "<script>alert(1)</script>"},
    {"town": "zhangcun' --"},
    {"industry": "%"},
    {"ending": "1"},
    {"page": "99999999999999999999"},
    {"page": "-5"},
]


@pytest.mark.parametrize("params", HOSTILE, ids=lambda p: "-".join(f"{k}={v}" for k, v in p.items()))
def test_a_hostile_filter_value_is_ignored_at_the_same_cost(
    client,
    olivia,
    register,  # noqa: F811
    params,
    django_assert_num_queries,
):
    client.force_login(olivia)
    client.get(REGISTER)
    with CaptureQueriesContext(connection) as plain:
        everyone = names(client.get(REGISTER))
    with django_assert_num_queries(len(plain.captured_queries)):
        response = client.get(REGISTER, params)
    assert response.status_code == 200
    assert names(response) == everyone
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert client.get(EXPORT, params).status_code == 200


@pytest.mark.parametrize(
    "q", ["%", "_", "' OR 1=1 --", "\\"], ids=["percent", "underscore", "sql", "backslash"]
)
def test_a_name_search_with_pattern_characters_matches_literally(client, olivia, register, q):  # noqa: F811
    client.force_login(olivia)
    assert names(client.get(REGISTER, {"q": q})) == []


def test_the_export_filtered_by_another_authoritys_round_or_enterprise_holds_none_of_its_rows(
    client,
    olivia,
    register,  # noqa: F811
    far_tenure,  # noqa: F811
):
    client.force_login(olivia)
    far_round = far_tenure.application.round_id
    far_enterprise = far_tenure.enterprise_id
    for params in ({"round": far_round}, {"enterprise": far_enterprise}):
        page = client.get(REGISTER, params)
        exported = client.get(EXPORT, params)
        assert (names(page), exported.status_code) == ([], 200)
        assert export_names(exported) == []
        sheet_text = "".join(
            str(cell)
            for row in load_workbook(
                BytesIO(b"".join(client.get(EXPORT, params).streaming_content))
            ).active.iter_rows(values_only=True)
            for cell in row
            if cell
        )
        assert "远方" not in sheet_text
        assert "威海市首席技师选拔" not in sheet_text


# --- The public pages' cache ---------------------------------------------------------------------------------


@pytest.fixture
def published(olivia, leo, gina, alice, bob):
    round_, proposed = make_approved_round(olivia, leo, gina, [alice, bob], n=3)
    return round_, [Certificate.objects.get(tenure__application=a) for a in proposed]


def suspend(olivia, certificate, capture) -> None:
    with capture(execute=True):
        tenure_transition(
            actor=olivia,
            tenure=certificate.tenure,
            to_status=TenureStatus.SUSPENDED,
            effective_on=date(2027, 4, 1),
            reason="调往区外工作。",
        )


@override_settings(CACHES={"default": DATABASE_CACHE}, PUBLIC_PAGE_CACHE_SECONDS=60)
def test_a_roster_asked_for_by_a_disguised_round_number_is_never_served_stale(
    client, published, olivia, django_capture_on_commit_callbacks
):
    """ "?round=07", "?round=99999" and "?round=１" name no round as written: shown as the latest round and
    cached under a tag no change purges, they kept the old status for the cache time. They lead to the
    latest round's own address instead."""
    caches["default"].clear()
    round_, certificates = published
    roster = reverse("verify:roster")
    urls = [f"{roster}?round=0{round_.pk}", f"{roster}?round=99999", f"{roster}?round=%EF%BC%91"]
    for url in urls:
        response = client.get(url, follow=True)
        page = response.content.decode()
        assert response.redirect_chain == [(roster, 302)]
        assert (SUSPENDED_CELL in page, certificates[0].number in page) == (False, True)

    suspend(olivia, certificates[0], django_capture_on_commit_callbacks)

    pages = [client.get(url, follow=True).content.decode() for url in urls]
    assert [page.count(SUSPENDED_CELL) for page in pages] == [1, 1, 1]


@override_settings(CACHES={"default": DATABASE_CACHE}, PUBLIC_PAGE_CACHE_SECONDS=60)
def test_what_anonymous_visitors_ask_for_does_not_stay_in_the_shared_cache_for_good(client, published):
    """Every made-up code or round number draws a tag version: kept without end, a visitor walking made-up
    addresses would fill the shared cache until its culling evicts the rate limits and form tokens."""
    caches["default"].clear()
    for n in range(3):
        client.get(reverse("verify:verify", args=[f"MADE-UP-{n}"]))
        client.get(reverse("verify:roster"), {"round": str(424242 + n)})
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT cache_key, expires FROM chieftech_cache WHERE cache_key LIKE %s", ["%public-tag%"]
        )
        rows = cursor.fetchall()
    assert len(rows) >= 3
    latest = timezone.now() + timedelta(days=2)
    assert [key for key, expires in rows if _aware(expires) > latest] == []


def _aware(value):
    if isinstance(value, str):
        from django.utils.dateparse import parse_datetime

        value = parse_datetime(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, UTC)


@override_settings(CACHES={"default": DATABASE_CACHE}, PUBLIC_PAGE_CACHE_SECONDS=60)
def test_no_header_or_query_string_of_a_visitor_purges_or_replaces_a_cached_page(
    client, published, olivia, django_capture_on_commit_callbacks
):
    caches["default"].clear()
    certificate = published[1][0]
    url = reverse("verify:verify", args=[certificate.verification_code])
    first = client.get(url).content.decode()
    # A visitor's tricks: cache-busting headers, a query string, a forged cookie, a POST.
    client.get(url, HTTP_CACHE_CONTROL="no-cache", HTTP_PRAGMA="no-cache")
    client.get(url, {"purge": "1"})
    client.post(url, {"purge": "1"})
    client.cookies["sessionid"] = "forged"
    client.get(url)
    client.cookies.pop("sessionid")
    from chieftech.tenure.models import Tenure

    # The data changes behind the cache's back: the cached copy must still be what is served, unchanged.
    Tenure.objects.filter(pk=certificate.tenure_id).update(status=TenureStatus.REVOKED)
    assert client.get(url).content.decode() == first
