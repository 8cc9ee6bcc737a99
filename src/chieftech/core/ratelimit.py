"""Rate limits that hold across every worker and every app server: at most `limit` hits of one key (an
address, a user name) in any `window`.

A sliding window counter: hits are counted per fixed window (one row, or one Redis key, per key and
window), and a new hit is allowed while the current window's count plus the previous window's, weighted by
the share of the previous window still inside the last `window`, stays within the limit. It never lets
through more than the limit in a burst, and unlike a plain fixed window it does not let through twice the
limit across a window boundary. A refused hit is not counted.

The count lives in the database by default (a row updated under its lock: every worker sees it, and two
hits never both take the last place), or in Redis when REDIS_URL is set (INCR on a key that expires).
Per-process memory would give each gunicorn worker its own count.
"""

import hashlib
import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from chieftech.core.models import RateCounter

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MAX_IDENT = 120
_REDIS_PREFIX = "chieftech:ratelimit:"


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` hits per `window` for each key of `scope` (e.g. objections per address and hour)."""

    scope: str
    limit: int
    window: timedelta


@dataclass(frozen=True)
class _Buckets:
    current: str
    previous: str
    # Of the previous window, the part still inside the sliding window, in microseconds of `total`.
    previous_share: int
    total: int
    expires_at: datetime


def network_of(key: str) -> str:
    """The address a limit counts `key` under: an IPv6 address as its /64 network (one connection is given
    the whole network and may send from any of its 2^64 addresses), an IPv4-mapped address as the IPv4
    address; an IPv4 address, or any key that is not an address, as itself."""
    try:
        address = ipaddress.ip_address(key)
    except ValueError:
        return key
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return key


def _buckets(rate: RateLimit, key: str, now: datetime) -> _Buckets:
    key = network_of(key)
    total = rate.window // timedelta(microseconds=1)
    elapsed = (now - _EPOCH) // timedelta(microseconds=1)
    index, into = divmod(elapsed, total)
    ident = key if len(key) <= _MAX_IDENT else hashlib.sha256(key.encode()).hexdigest()
    return _Buckets(
        current=f"{rate.scope}:{ident}:{index}",
        previous=f"{rate.scope}:{ident}:{index - 1}",
        previous_share=total - into,
        total=total,
        expires_at=_EPOCH + timedelta(microseconds=total * (index + 2)),
    )


def _allows(rate: RateLimit, buckets: _Buckets, *, previous: int, current: int) -> bool:
    """Whether `current` hits in this window (the new one included) stay within the limit (exact integers)."""
    return previous * buckets.previous_share + current * buckets.total <= rate.limit * buckets.total


def rate_limit_hit(rate: RateLimit, key: str, *, now: datetime | None = None) -> bool:
    """Count one hit of `key` and return True, or return False and count nothing when it would exceed the
    limit."""
    now = now or timezone.now()
    buckets = _buckets(rate, key, now)
    if settings.REDIS_URL:
        return _redis_hit(rate, buckets, now)
    return _database_hit(rate, buckets, now)


def rate_limit_undo(rate: RateLimit, key: str, *, now: datetime) -> None:
    """Give back a hit counted at `now` whose action did not take place after all."""
    buckets = _buckets(rate, key, now)
    if settings.REDIS_URL:
        client = _redis_client(settings.REDIS_URL)
        if client.decr(_REDIS_PREFIX + buckets.current) < 0:
            client.delete(_REDIS_PREFIX + buckets.current)
        return
    RateCounter.objects.filter(key=buckets.current, count__gt=0).update(count=F("count") - 1)


def _database_hit(rate: RateLimit, buckets: _Buckets, now: datetime) -> bool:
    RateCounter.objects.filter(expires_at__lt=now).delete()
    with transaction.atomic():
        # INSERT ... ON CONFLICT DO NOTHING, then the row locked: concurrent hits of one key queue here.
        RateCounter.objects.bulk_create(
            [RateCounter(key=buckets.current, count=0, expires_at=buckets.expires_at)], ignore_conflicts=True
        )
        current = RateCounter.objects.select_for_update().only("count").get(key=buckets.current)
        previous = RateCounter.objects.filter(key=buckets.previous).values_list("count", flat=True).first()
        if not _allows(rate, buckets, previous=previous or 0, current=current.count + 1):
            return False
        RateCounter.objects.filter(pk=current.pk).update(count=F("count") + 1)
    return True


_redis_clients: dict = {}


def _redis_client(url: str):
    if url not in _redis_clients:
        import redis

        _redis_clients[url] = redis.Redis.from_url(url)
    return _redis_clients[url]


def _redis_hit(rate: RateLimit, buckets: _Buckets, now: datetime) -> bool:
    client = _redis_client(settings.REDIS_URL)
    ttl = max(1, int((buckets.expires_at - now).total_seconds()) + 1)
    current_key, previous_key = _REDIS_PREFIX + buckets.current, _REDIS_PREFIX + buckets.previous
    with client.pipeline(transaction=True) as pipe:
        pipe.incr(current_key)
        pipe.expire(current_key, ttl)
        pipe.get(previous_key)
        current, _, previous = pipe.execute()
    if _allows(rate, buckets, previous=int(previous or 0), current=current):
        return True
    # Over the limit: take the hit back. Until then a concurrent hit may be refused too, never let through.
    client.decr(current_key)
    return False
