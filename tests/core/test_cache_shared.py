"""The cache is shared by every worker: the database by default (its table made by migrate), Redis when
REDIS_URL is set, never per-process memory in production."""

import json
import textwrap
from pathlib import Path

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from tests.core.production import run

# This checkout's code, not whichever one the virtual environment has installed.
SRC = str(Path(__file__).resolve().parents[2] / "src")

CACHE_PROBE = textwrap.dedent(
    """
    import json
    import django

    django.setup()
    from django.conf import settings

    print(json.dumps({"CACHES": settings.CACHES, "REDIS_URL": settings.REDIS_URL}))
    """
)
# Whether the server's environment (not this test process's) has the redis package.
REDIS_PROBE = "import importlib.util, sys; sys.exit(importlib.util.find_spec('redis') is None)"
DATABASE_CACHE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "chieftech_cache",
    "OPTIONS": {"MAX_ENTRIES": 200_000},
}


def test_production_caches_in_the_database_by_default(production_env, tmp_path):
    production_env.update(DJANGO_SETTINGS_MODULE="chieftech.settings", PYTHONPATH=SRC)

    result = run(production_env, "-c", CACHE_PROBE, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"CACHES": {"default": DATABASE_CACHE}, "REDIS_URL": ""}


def test_production_caches_in_redis_when_redis_url_is_set(production_env, tmp_path):
    production_env.update(DJANGO_SETTINGS_MODULE="chieftech.settings", PYTHONPATH=SRC)
    production_env["REDIS_URL"] = "redis://10.0.0.21:6379/0"

    result = run(production_env, "-c", CACHE_PROBE, cwd=tmp_path)
    has_redis = run(production_env, "-c", REDIS_PROBE, cwd=tmp_path).returncode == 0

    if not has_redis:
        assert result.returncode == 1
        assert result.stderr.strip().splitlines()[-1] == (
            "django.core.exceptions.ImproperlyConfigured: "
            "REDIS_URL is set but the redis package is missing: pip install 'chieftech[redis]'"
        )
    else:
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout) == {
            "CACHES": {
                "default": {
                    "BACKEND": "django.core.cache.backends.redis.RedisCache",
                    "LOCATION": "redis://10.0.0.21:6379/0",
                }
            },
            "REDIS_URL": "redis://10.0.0.21:6379/0",
        }


def _cache_rows() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM chieftech_cache")
        return cursor.fetchone()[0]


@override_settings(CACHES={"default": DATABASE_CACHE}, PUBLIC_PAGE_CACHE_SECONDS=60)
def test_migrate_makes_the_cache_table_and_public_pages_are_kept_there(client, django_assert_num_queries):
    caches["default"].clear()
    url = reverse("publicity_public:notice_list")

    first = client.get(url)
    # Two reads of the cache table (the header list the page varies on, then the page), not the notices.
    with django_assert_num_queries(2):
        second = client.get(url)

    assert (first.status_code, second.status_code) == (200, 200)
    assert second.content == first.content
    assert _cache_rows() == 2  # the page and the header list it varies on


@pytest.mark.parametrize("value", [{"a": 1}, "公示"])
@override_settings(CACHES={"default": DATABASE_CACHE})
def test_the_database_cache_keeps_values(value):
    caches["default"].set("probe", value, 60)
    assert caches["default"].get("probe") == value


@override_settings(CACHES={"default": DATABASE_CACHE})
def test_a_busy_day_of_form_tokens_culls_no_live_entry_of_the_database_cache():
    """Above the table's size limit a third of all keys would go, live ones included (core.formtoken)."""
    cache = caches["default"]
    cache.clear()
    cache.set("a-public-page", "公示", 3600)

    for i in range(400):
        assert cache.add(f"form-token:{i:03d}", "pending", 3600)

    assert (cache.get("a-public-page"), cache.get("form-token:000")) == ("公示", "pending")
    assert _cache_rows() == 401
