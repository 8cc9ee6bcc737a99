"""Who runs this site, as every page header, footer, mail subject and document property names it.

It comes from the authorities (the installation's first one is its host) and the host's policy in force.
Every page needs it, so it is read once and kept for IDENTITY_SECONDS in the process (ProcessMemo).
"""

import threading
import time
from dataclasses import dataclass

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from chieftech.policy.models import Authority, PolicyVersion

IDENTITY_SECONDS = 60


@dataclass(frozen=True)
class Programme:
    """One authority's programme as the portal introduces it (its policy in force today)."""

    authority: str
    title_name: str
    policy_title: str
    interval_years: int


@dataclass(frozen=True)
class SiteIdentity:
    site_name: str
    bureau_name: str
    # The title the site's pages speak of: the host's, or the plain title when several authorities share it.
    title_name: str
    # The region(s) whose enterprises the site serves, as a sentence names them.
    region: str
    policy_title: str
    policy_number: str
    several: bool
    programmes: tuple[Programme, ...] = ()
    # The one character of the header's emblem: the host's name without its level (××区 → its last ×).
    emblem: str = "技"


def _load() -> SiteIdentity:
    authorities = list(Authority.objects.order_by("id"))
    if not authorities:
        return SiteIdentity("首席技师选拔管理系统", "", "首席技师", "", "", "", False)
    host = authorities[0]
    today = timezone.localdate()
    in_force = {
        version.authority_id: version
        for version in PolicyVersion.objects.filter(valid_from__lte=today, valid_until__gte=today).only(
            "authority_id", "title", "document_number", "selection_interval_years"
        )
    }
    policy = in_force.get(host.pk)
    several = len(authorities) > 1
    programmes = tuple(
        Programme(a.name, a.title_name, in_force[a.pk].title, in_force[a.pk].selection_interval_years)
        for a in authorities
        if a.pk in in_force
    )
    return SiteIdentity(
        site_name=host.site_name,
        bureau_name=host.bureau_name,
        title_name="首席技师" if several else host.title_name,
        region="、".join(a.name for a in authorities),
        policy_title=policy.title if policy else "",
        policy_number=policy.document_number if policy else "",
        several=several,
        programmes=programmes,
        emblem=_emblem(host.name),
    )


def _emblem(name: str) -> str:
    core = name[:-1] if len(name) > 1 and name[-1] in "区县市省" else name
    return core[-1] if core else "技"


class ProcessMemo:
    """A value read from the database once per IDENTITY_SECONDS in this process.

    A save or delete of one of `models` forgets it once the transaction commits (a rolled-back change is
    never read into it); other processes see a change within IDENTITY_SECONDS.
    """

    def __init__(self, load, *, models: tuple) -> None:
        self._load = load
        self._lock = threading.Lock()
        self._cached: tuple[float, object] | None = None
        for model in models:
            uid = f"process-memo-{load.__module__}.{load.__name__}-{model.__name__}"
            post_save.connect(self._changed, sender=model, dispatch_uid=uid)
            post_delete.connect(self._changed, sender=model, dispatch_uid=uid + "-delete")

    def get(self):
        now = time.monotonic()
        with self._lock:
            if self._cached is not None and now - self._cached[0] < IDENTITY_SECONDS:
                return self._cached[1]
        value = self._load()
        with self._lock:
            self._cached = (now, value)
        return value

    def forget(self) -> None:
        with self._lock:
            self._cached = None

    def _changed(self, **_kwargs) -> None:
        transaction.on_commit(self.forget)


_identity = ProcessMemo(_load, models=(Authority, PolicyVersion))


def site_identity() -> SiteIdentity:
    return _identity.get()


def site_identity_forget() -> None:
    _identity.forget()
