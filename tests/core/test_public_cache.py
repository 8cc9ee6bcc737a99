"""The busiest public pages are served from the cache for a short time, and only to anonymous visitors alike."""

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from chieftech.certificates.views_public import verify
from chieftech.core.permissions import ACCESS_ATTR
from chieftech.publicity.views.public import notice_detail, notice_list


@pytest.fixture
def cached(settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def test_the_cached_pages_are_still_declared_public():
    assert [getattr(v, ACCESS_ATTR) for v in (notice_list, notice_detail, verify)] == ["public"] * 3


def test_a_visitor_gets_the_cached_page_until_it_expires(client, cached, django_assert_num_queries):
    url = reverse("publicity_public:notice_list")
    first = client.get(url)
    with django_assert_num_queries(0):
        second = client.get(url)
    assert (first.status_code, second.status_code) == (200, 200)
    assert second.content == first.content
    assert second["Cache-Control"] == "max-age=60"


def test_a_signed_in_user_does_not_get_the_visitors_copy(client, cached, olivia):
    url = reverse("publicity_public:notice_list")
    client.get(url)
    client.force_login(olivia)
    page = client.get(url).content.decode()
    assert "退出" in page


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=0)
def test_with_no_cache_time_every_request_reads_the_database(client, django_assert_num_queries):
    cache.clear()
    url = reverse("publicity_public:notice_list")
    client.get(url)
    with django_assert_num_queries(1):
        client.get(url)


NEVER_STORED = "max-age=0, no-cache, no-store, must-revalidate, private"


def test_a_signed_in_users_copy_of_a_public_page_is_private_and_never_stored(client, cached, olivia):
    url = reverse("publicity_public:notice_list")
    visitors = client.get(url)
    client.force_login(olivia)

    response = client.get(url)

    assert (visitors["Cache-Control"], visitors["Vary"]) == ("max-age=60", "Cookie, Accept-Language")
    assert (response["Cache-Control"], response["Vary"]) == (NEVER_STORED, "Cookie, Accept-Language")
