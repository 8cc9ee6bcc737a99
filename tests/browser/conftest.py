"""A real Chromium driven through Playwright against pytest-django's live server.

Playwright's synchronous API runs an event loop in the test thread, which makes Django believe it is in
async code; the ORM calls in these tests are still plain synchronous ones.
"""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest
from django.db import connections
from django.test.utils import override_settings
from playwright.sync_api import sync_playwright
from pytest_django.live_server_helper import LiveServer

from tests.browser.support import LAUNCH_ARGS, chromium_candidates, find_chromium


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, started while MEDIA_URL has a value.

    Uploads are never served by URL (MEDIA_URL is None, so a stray `.url` raises), but Django's live
    server wraps every request in a media handler that cannot parse a None prefix. It gets a prefix
    nothing links to while it starts; the setting is None again before any test runs.
    """
    addr = (
        request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    )
    with override_settings(MEDIA_URL="/never-served-media/"):
        server = LiveServer(addr)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def playwright_instance(django_db_setup):
    """Playwright, started once the test database exists.

    Playwright's synchronous API keeps an asyncio loop running in this thread until the session ends,
    and from then on Django hands out database connections per context instead of per thread: every
    later test, browser or not, gets fresh connection objects. The copy of the migrated data that
    serialized_rollback restores (the seeded policy, the role groups) lives on the connection that
    created the test database, so it is handed over to the new ones.
    """
    migrated = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    with sync_playwright() as playwright:
        for alias, contents in migrated.items():
            connections[alias]._test_serialized_contents = contents
        yield playwright
        # These connections become unreachable once the loop stops; closed now, they cannot keep
        # PostgreSQL from dropping the test database.
        connections.close_all()


@pytest.fixture(scope="session")
def browser(playwright_instance):
    executable = find_chromium(chromium_candidates(playwright_instance))
    browser = playwright_instance.chromium.launch(executable_path=executable, headless=True, args=LAUNCH_ARGS)
    yield browser
    browser.close()


def new_context(browser, **options):
    return browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **options)


@pytest.fixture
def page(browser):
    """A page in a fresh context (no cookies from other tests), Chinese locale, Shanghai time."""
    context = new_context(browser)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    """A 375 px wide page, the width of a small phone."""
    context = new_context(browser, viewport={"width": 375, "height": 812}, device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
