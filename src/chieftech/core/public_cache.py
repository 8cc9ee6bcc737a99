"""Tagged public pages: a cached page names the things it shows, and a change to one of them purges it at once.

Each tag ("verify:<code>", "roster:<round>") has a version kept in the shared cache (the database table or
Redis every app server reads), and the versions of a page's tags are part of its cache key. Purging a tag
replaces its version: every app server builds the next key afresh, and the pages of other tags keep theirs.
Old copies are never looked up again and age out with their timeout.

A version is a random token, not a counter: a version lost from the cache (culled, expired, or Redis
restarted) is drawn anew and can never fall back to a value an old copy was stored under. So versions need not
live for ever, and must not: the tags come from addresses anyone may type (a made-up verification code draws a
version too), and kept without end they would fill the shared cache until its culling evicted the rate limits
and form tokens beside them. A version outlives the pages stored under it and then goes.
"""

import hashlib
import uuid
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "public-tag-version:{}"
# Far longer than a public page is cached (PUBLIC_PAGE_CACHE_SECONDS), so a page is not rebuilt for nothing.
VERSION_TIMEOUT_SECONDS = 24 * 60 * 60


def _new_version() -> str:
    return uuid.uuid4().hex


def public_tag_versions(tags: Iterable[str]) -> dict[str, str]:
    """The current version of each tag (one read of the shared cache; a missing one is drawn and kept)."""
    keys = {tag: VERSION_KEY.format(tag) for tag in sorted(set(tags))}
    found = cache.get_many(list(keys.values())) if keys else {}
    versions = {}
    for tag, key in keys.items():
        version = found.get(key)
        if version is None:
            # add, not set: another server drawing the same tag's first version at the same moment wins.
            cache.add(key, _new_version(), timeout=VERSION_TIMEOUT_SECONDS)
            version = cache.get(key)
        versions[tag] = version
    return versions


def public_page_key_prefix(tags: Iterable[str]) -> str:
    """The cache key prefix of a page showing `tags`: it changes whenever one of the tags is purged."""
    versions = public_tag_versions(tags)
    if not versions:
        return "public"
    digest = hashlib.sha256("|".join(f"{tag}={v}" for tag, v in versions.items()).encode()).hexdigest()
    return f"public.{digest[:32]}"


def public_pages_purge(tags: Iterable[str]) -> None:
    """Every cached public page showing one of `tags` is built afresh on its next request, on every server."""
    cache.set_many(
        {VERSION_KEY.format(tag): _new_version() for tag in set(tags)}, timeout=VERSION_TIMEOUT_SECONDS
    )


def public_pages_purge_on_commit(tags: Iterable[str]) -> None:
    """Purge once the surrounding transaction commits (at once outside one): a page rebuilt before the commit
    would otherwise be stored, under the new versions, with the old data."""
    tags = list(tags)
    transaction.on_commit(lambda: public_pages_purge(tags))
