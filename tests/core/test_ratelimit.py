"""The shared rate limit: exact under concurrency, sliding over window boundaries, in the database or Redis.

The Redis cases run when the redis package is installed (`chieftech[redis]`) and a server answers at
CHIEFTECH_TEST_REDIS_URL (redis://127.0.0.1:6379/15 by default); they are skipped otherwise.
"""

import os
import threading
import uuid
from datetime import datetime, timedelta

import pytest
from django.db import connection

from chieftech.core.models import RateCounter
from chieftech.core.ratelimit import RateLimit, rate_limit_hit, rate_limit_undo
from tests.factories import SHANGHAI

TEN = datetime(2026, 9, 28, 10, 0, tzinfo=SHANGHAI)
HOUR = timedelta(hours=1)
TEST_REDIS_URL = os.environ.get("CHIEFTECH_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_available() -> bool:
    try:
        import redis
    except ImportError:
        return False
    try:
        return bool(redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(params=["database", "redis"])
def backend(request, settings):
    if request.param == "redis":
        if not _redis_available():
            pytest.skip(f"no redis package or no Redis server at {TEST_REDIS_URL}")
        settings.REDIS_URL = TEST_REDIS_URL
    return request.param


def _rate(limit: int = 2) -> RateLimit:
    # A scope of its own per test: Redis keeps its keys beyond the test.
    return RateLimit(scope=f"test-{uuid.uuid4().hex[:8]}", limit=limit, window=HOUR)


def _hits(rate, key, times) -> list[bool]:
    return [rate_limit_hit(rate, key, now=t) for t in times]


def test_the_limit_lets_exactly_that_many_through_and_refused_hits_do_not_count(backend):
    rate = _rate(limit=3)
    minutes = [TEN + timedelta(minutes=m) for m in range(6)]
    assert _hits(rate, "198.51.100.4", minutes) == [True, True, True, False, False, False]


def test_each_key_and_each_scope_has_its_own_count(backend):
    rate, other_scope = _rate(limit=1), _rate(limit=1)
    assert _hits(rate, "198.51.100.4", [TEN, TEN]) == [True, False]
    assert _hits(rate, "198.51.100.5", [TEN]) == [True]
    assert _hits(other_scope, "198.51.100.4", [TEN]) == [True]


def test_the_window_slides_instead_of_restarting_on_the_hour(backend):
    rate = _rate(limit=2)
    assert _hits(rate, "ip", [TEN.replace(minute=50), TEN.replace(minute=55)]) == [True, True]
    # A fixed window would let two more through at 11:01; the last hour still holds both.
    assert _hits(rate, "ip", [TEN.replace(hour=11, minute=1)]) == [False]
    # At 11:31 less than half of the 10:00 window is still inside the hour: 2 x 29/60 + 1 <= 2.
    assert _hits(rate, "ip", [TEN.replace(hour=11, minute=31)]) == [True]
    assert _hits(rate, "ip", [TEN.replace(hour=11, minute=32)]) == [False]
    # At 12:00 the 11:31 hit still counts in full; at 14:00 nothing of before 13:00 does.
    assert _hits(rate, "ip", [TEN.replace(hour=12, minute=0)] * 2) == [True, False]
    assert _hits(rate, "ip", [TEN.replace(hour=14, minute=0)] * 3) == [True, True, False]


def test_an_undone_hit_gives_its_place_back(backend):
    rate = _rate(limit=1)
    assert _hits(rate, "ip", [TEN]) == [True]
    rate_limit_undo(rate, "ip", now=TEN)
    assert _hits(rate, "ip", [TEN, TEN]) == [True, False]


def test_a_long_key_is_hashed_into_the_counter_key():
    rate = _rate(limit=1)
    long_key = "用户" * 200
    assert _hits(rate, long_key, [TEN, TEN]) == [True, False]
    assert all(len(key) < 255 for key in RateCounter.objects.values_list("key", flat=True))


def test_expired_counters_are_removed_by_later_hits():
    rate = _rate(limit=5)
    rate_limit_hit(rate, "ip", now=TEN)
    rate_limit_hit(rate, "other", now=TEN + 3 * HOUR)
    hour_index = int((TEN + 3 * HOUR).timestamp()) // 3600
    assert list(RateCounter.objects.values_list("key", flat=True)) == [f"{rate.scope}:other:{hour_index}"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_from_many_threads_let_exactly_the_limit_through(backend):
    rate = _rate(limit=3)
    barrier = threading.Barrier(8)
    results: list[bool] = []

    def hit():
        try:
            barrier.wait()
            results.append(rate_limit_hit(rate, "198.51.100.4", now=TEN))
        finally:
            connection.close()

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [False] * 5 + [True] * 3
