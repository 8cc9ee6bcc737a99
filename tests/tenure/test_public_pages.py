"""A status change shows on the public pages at once: it purges the cached pages that show the person, and
only those; the other public pages keep their cached copy for the cache time."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.test import override_settings
from django.urls import reverse

from chieftech.certificates.models import Certificate
from chieftech.core.public_cache import VERSION_KEY, public_tag_versions
from chieftech.publicity.models import Notice
from chieftech.tenure.domain.public_pages import (
    public_pages_purge_for_tenure,
    tenure_public_page_tags,
    verify_page_tag,
)
from chieftech.tenure.domain.status_change_checks import EvidenceUpload, Report
from chieftech.tenure.domain.status_changes import status_change_confirm, status_change_report
from chieftech.tenure.domain.transitions import tenure_transition
from chieftech.tenure.models import StatusChange, Tenure, TenureStatus
from tests.certificates.factories import make_approved_round
from tests.core.test_cache_shared import DATABASE_CACHE
from tests.factories import PDF_BYTES, make_tenure

VALID_BADGE = '<p class="verify-badge status status-ok" id="verify-status">有效</p>'
SUSPENDED_BADGE = '<p class="verify-badge status status-warn" id="verify-status">保留资格、停止待遇</p>'
REVOKED_BADGE = '<p class="verify-badge status status-bad" id="verify-status">已取消资格</p>'
SUSPENDED_CELL = '<td data-label="状态"><span class="status status-warn">保留资格、停止待遇</span></td>'


@pytest.fixture
def cached(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published(olivia, leo, gina, alice, bob):
    round_, proposed = make_approved_round(olivia, leo, gina, [alice, bob], n=3)
    return round_, [Certificate.objects.get(tenure__application=a) for a in proposed]


def verify_page(client, certificate) -> str:
    response = client.get(reverse("verify:verify", args=[certificate.verification_code]))
    assert response.status_code == 200
    return response.content.decode()


def suspend(olivia, certificate, capture) -> None:
    with capture(execute=True):
        tenure_transition(
            actor=olivia,
            tenure=certificate.tenure,
            to_status=TenureStatus.SUSPENDED,
            effective_on=date(2027, 4, 1),
            reason="调往区外工作。",
        )


def test_the_verification_page_shows_a_status_change_at_once(
    client, cached, published, olivia, django_capture_on_commit_callbacks
):
    certificate = published[1][0]
    assert VALID_BADGE in verify_page(client, certificate)

    suspend(olivia, certificate, django_capture_on_commit_callbacks)

    assert SUSPENDED_BADGE in verify_page(client, certificate)


def test_another_certificates_page_and_the_notices_keep_their_cached_copy(
    client, cached, published, olivia, django_capture_on_commit_callbacks
):
    changed, other = published[1][0], published[1][1]
    notices_url = reverse("publicity_public:notice_list")
    verify_page(client, other)
    notices = client.get(notices_url).content.decode()
    notice = Notice.objects.get()
    assert notice.title in notices
    # Their data changes behind the cache's back: the cached copies must still be what is served.
    Tenure.objects.filter(pk=other.tenure_id).update(
        status=TenureStatus.REVOKED, status_since=date(2027, 4, 1)
    )
    Notice.objects.filter(pk=notice.pk).update(title="改过的公示标题")

    suspend(olivia, changed, django_capture_on_commit_callbacks)

    assert VALID_BADGE in verify_page(client, other)
    assert client.get(notices_url).content.decode() == notices
    assert SUSPENDED_BADGE in verify_page(client, changed)


def test_a_cached_tagged_page_is_served_without_the_database(
    client, cached, published, django_assert_num_queries
):
    certificate = published[1][0]
    first = verify_page(client, certificate)
    with django_assert_num_queries(0):
        second = client.get(reverse("verify:verify", args=[certificate.verification_code]))
    assert second.content.decode() == first
    # Only the server's copy can be purged: browsers ask again each time.
    assert second["Cache-Control"] == "max-age=0"


def test_the_roster_shows_the_changed_person_at_once(
    client, cached, published, olivia, django_capture_on_commit_callbacks
):
    round_, certificates = published
    urls = [reverse("verify:roster"), f"{reverse('verify:roster')}?round={round_.pk}"]
    for url in urls:
        assert SUSPENDED_CELL not in client.get(url).content.decode()

    suspend(olivia, certificates[0], django_capture_on_commit_callbacks)

    assert [client.get(url).content.decode().count(SUSPENDED_CELL) for url in urls] == [1, 1]


def test_another_rounds_roster_keeps_its_cached_copy(
    client, cached, published, olivia, leo, gina, alice, django_capture_on_commit_callbacks
):
    older, older_proposed = make_approved_round(
        olivia,
        leo,
        gina,
        [alice],
        n=1,
        title="2024年度环翠区首席技师选拔",
        year=2024,
        confirmed=True,
        document_number="威环政字〔2026〕13号",
    )
    older_url = f"{reverse('verify:roster')}?round={older.pk}"
    before = client.get(older_url).content.decode()
    Tenure.objects.filter(application=older_proposed[0]).update(
        status=TenureStatus.REVOKED, status_since=date(2027, 4, 1)
    )

    suspend(olivia, published[1][0], django_capture_on_commit_callbacks)

    assert client.get(older_url).content.decode() == before


def test_the_portal_shows_the_change_at_once(
    client, cached, published, gina, django_capture_on_commit_callbacks
):
    certificate = published[1][0]
    Tenure.objects.filter(pk=certificate.tenure_id).update(
        showcase_consent=True, showcase_summary="数控加工能手。"
    )
    assert "数控加工能手。" in client.get(reverse("portal:showcase")).content.decode()
    client.get(reverse("portal:index"))

    with django_capture_on_commit_callbacks(execute=True):
        tenure_transition(
            actor=gina,
            tenure=certificate.tenure,
            to_status=TenureStatus.REVOKED,
            effective_on=date(2027, 5, 20),
            reason="弄虚作假。",
        )

    assert "数控加工能手。" not in client.get(reverse("portal:showcase")).content.decode()
    index = client.get(reverse("portal:index")).content.decode()
    assert index.count('<span class="status status-bad">已取消资格</span>') == 1
    assert REVOKED_BADGE in verify_page(client, certificate)


def test_a_change_rolled_back_purges_nothing(
    client, cached, published, olivia, django_capture_on_commit_callbacks
):
    certificate = published[1][0]
    tag = verify_page_tag(certificate.verification_code)
    before = public_tag_versions([tag])

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        public_pages_purge_for_tenure(certificate.tenure)

    assert (len(callbacks), public_tag_versions([tag])) == (1, before)


@override_settings(CACHES={"default": DATABASE_CACHE}, PUBLIC_PAGE_CACHE_SECONDS=60)
def test_the_purge_reaches_every_app_server_through_the_shared_cache(
    client, published, olivia, django_capture_on_commit_callbacks
):
    caches["default"].clear()
    certificate = published[1][0]
    tag_key = VERSION_KEY.format(verify_page_tag(certificate.verification_code))
    assert VALID_BADGE in verify_page(client, certificate)
    # Another app server: its own cache object, nothing shared with this process but the database table.
    other_server = DatabaseCache("chieftech_cache", {})
    kept = other_server.get(tag_key)

    suspend(olivia, certificate, django_capture_on_commit_callbacks)

    assert other_server.get(tag_key) not in (None, kept)
    assert SUSPENDED_BADGE in verify_page(client, certificate)


def test_a_term_without_a_certificate_purges_its_rosters_only(alice, gina, olivia):
    tenure = make_tenure(alice, gina, officer=olivia)
    assert tenure_public_page_tags([tenure]) == [f"roster:{tenure.application.round_id}", "roster:latest"]


def test_a_certified_term_purges_its_verification_page_too(published):
    round_, certificates = published
    assert tenure_public_page_tags([certificates[0].tenure]) == [
        f"roster:{round_.pk}",
        "roster:latest",
        f"verify:{certificates[0].verification_code}",
    ]


def test_a_transfer_shows_the_new_enterprise_on_the_verification_page_at_once(
    client, cached, published, olivia, alice, enterprise_b, django_capture_on_commit_callbacks
):
    certificate = next(c for c in published[1] if c.tenure.enterprise_id == alice.enterprise_id)
    tenure = certificate.tenure
    assert f"<dd>{alice.enterprise.name}</dd>" in verify_page(client, certificate)
    day = tenure.starts_on + timedelta(days=40)

    with django_capture_on_commit_callbacks(execute=True):
        change = status_change_report(
            actor=alice,
            tenure=tenure,
            report=Report(
                kind=StatusChange.Kind.TRANSFER_IN_DISTRICT,
                effective_on=day,
                reason="调入乙公司",
                new_enterprise=enterprise_b,
            ),
            files=[EvidenceUpload(name="调动证明.pdf", content=PDF_BYTES)],
            today=day,
        )
        status_change_confirm(actor=olivia, change=change, today=day)

    page = verify_page(client, certificate)
    assert f"<dd>{enterprise_b.name}</dd>" in page
    assert alice.enterprise.name not in page
