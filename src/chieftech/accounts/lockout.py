"""Sign-in lockout, on top of django-axes: failures count per user name whatever address they come from
(a guesser spreading over many addresses is stopped at the same count as one), and per address whatever names
they try (one address trying many names), with a higher limit for an address, which a whole office may share
behind one gateway. While either is locked, django-axes' backend refuses before any password is checked, the
right one included. The counts are django-axes' rows in the shared database, so every worker and every app
server sees them."""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum

from chieftech.accounts.domain.checks import username_normalize
from chieftech.core.middleware import client_ip
from chieftech.core.ratelimit import network_of


def username_key(value: str | None) -> str | None:
    """The name a failure is counted under: full-width and other compatibility forms folded (NFKC), case
    folded, so "ｏｆｆｉｃｅｒ", "Officer" and "officer" share one count (AXES_USERNAME_CALLABLE)."""
    if value is None:
        return None
    return username_normalize(str(value)).casefold() or None


def lockout_address(request) -> str | None:
    """The address failures are counted under (AXES_CLIENT_IP_CALLABLE): the client's, an IPv6 one as its
    /64 network, as every other limit per address counts it."""
    address = client_ip(request)
    return network_of(address) if address else address


def lockout_username(request, credentials: dict | None = None) -> str | None:
    if credentials:
        return username_key(credentials.get(settings.AXES_USERNAME_FORM_FIELD))
    return username_key(getattr(request, "POST", {}).get(settings.AXES_USERNAME_FORM_FIELD))


class LockoutHandler(AxesDatabaseHandler):
    """AXES_LOCKOUT_PARAMETERS is ["username", "ip_address"]: axes keeps one count per user name and one per
    address. The user name locks at AXES_FAILURE_LIMIT failures, the address at LOGIN_FAILURES_PER_ADDRESS;
    axes compares one number with one limit, so a locked address reports the limit itself."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        by_name, by_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        if by_address >= settings.LOGIN_FAILURES_PER_ADDRESS:
            return max(by_name, settings.AXES_FAILURE_LIMIT)
        return by_name

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        """A successful sign-in clears its own name's failures only. Axes would clear the address's too,
        which would let a guesser holding any account sign into it between guesses at another's and so
        lift that other name's lock from this address."""
        by_name = self.filter_user_attempts(request, credentials)[0]
        count, _ = by_name.delete()
        return count
