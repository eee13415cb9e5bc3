"""Password guessing on every login (the product's page and the Django admin's).

Failures are counted per address, per account and per (account, address). Past a number of free failures,
each further failure doubles the time before the next attempt is even checked (LOGIN_DELAY_SECONDS), and an
attempt refused for that reason is not counted, so hammering does not push the wait further. From an address
an account has logged in from before, only that pair's count applies to it: an attacker guessing the
account's password from elsewhere, or other accounts' passwords from the same office, cannot lock its owner
out. The address is REMOTE_ADDR, or the one the
TRUSTED_PROXY_COUNT-th proxy from the right wrote in X-Forwarded-For when proxies are declared; a client
cannot choose it by sending the header itself.
"""

from __future__ import annotations

import datetime
import ipaddress
import math
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from geoprod.models import KnownLoginAddress, LoginFailures

PAIR, ACCOUNT, ADDRESS = "pair", "account", "ip"
# A count untouched for this long starts again from zero.
FORGET_AFTER = datetime.timedelta(days=1)
# An address stays known this long after the account's last login from it.
KNOWN_FOR = datetime.timedelta(days=90)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as the nearest trusted proxy saw it; None when there is no valid one."""
    candidate = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def _username(username: str | None) -> str:
    return (username or "").strip().casefold()[:150]


def _keys(username: str, ip: str) -> dict[str, str]:
    return {PAIR: f"{username}\n{ip}", ACCOUNT: username, ADDRESS: ip}


def delay(failures: int, scope: str) -> datetime.timedelta:
    """Wait imposed after `failures` failures in `scope`: none up to the free ones, then doubling."""
    free = settings.LOGIN_FREE_FAILURES[scope]
    if failures < free:
        return datetime.timedelta(0)
    base, ceiling = settings.LOGIN_DELAY_SECONDS
    return datetime.timedelta(seconds=min(ceiling, base * 2 ** min(failures - free, 32)))


def _counts(username: str, ip: str) -> Iterable[LoginFailures]:
    keys = _keys(username, ip)
    if KnownLoginAddress.objects.filter(username=username, ip_address=ip).exists():
        del keys[ACCOUNT], keys[ADDRESS]
    for row in LoginFailures.objects.filter(key__in=keys.values()):
        if keys.get(row.scope) == row.key:
            yield row


def wait(*, username: str | None, ip: str | None, now: datetime.datetime | None = None) -> datetime.timedelta:
    """How long this account must wait before a login from this address is checked (zero: go ahead)."""
    if not settings.LOGIN_THROTTLE_ENABLED or ip is None:
        return datetime.timedelta(0)
    now = now or timezone.now()
    ends = [row.last_failure_at + delay(row.failures, row.scope) for row in _counts(_username(username), ip)]
    return max([end - now for end in ends if end > now], default=datetime.timedelta(0))


def record_failure(*, username: str | None, ip: str | None, now: datetime.datetime | None = None) -> None:
    if not settings.LOGIN_THROTTLE_ENABLED or ip is None:
        return
    now = now or timezone.now()
    # Counts are forgotten anyway after a day; deleting them keeps the table as small as one day of guessing.
    LoginFailures.objects.filter(last_failure_at__lt=now - FORGET_AFTER).delete()
    for scope, key in _keys(_username(username), ip).items():
        with transaction.atomic():
            row, created = LoginFailures.objects.select_for_update().get_or_create(
                scope=scope, key=key, defaults={"failures": 1, "last_failure_at": now}
            )
            if not created:
                row.failures = 1 if now - row.last_failure_at > FORGET_AFTER else row.failures + 1
                row.last_failure_at = now
                row.save(update_fields=["failures", "last_failure_at"])


def record_success(*, username: str | None, ip: str | None, now: datetime.datetime | None = None) -> None:
    """Clears this address's count for the account and remembers the address. The account's own count stays:
    logging in from one place says nothing about the guesses made from others."""
    if ip is None:
        return
    now = now or timezone.now()
    KnownLoginAddress.objects.filter(last_login_at__lt=now - KNOWN_FOR).delete()
    username = _username(username)
    LoginFailures.objects.filter(scope=PAIR, key=_keys(username, ip)[PAIR]).delete()
    KnownLoginAddress.objects.update_or_create(
        username=username, ip_address=ip, defaults={"last_login_at": now}
    )


def minutes(delta: datetime.timedelta) -> str:
    count = max(1, math.ceil(delta.total_seconds() / 60))
    return f"{count} minute" if count == 1 else f"{count} minutes"


class ThrottleBackend:
    """First in AUTHENTICATION_BACKENDS: refuses, before any password is checked, a login that must wait.
    Django then stops trying the other backends and sends user_login_failed. It has no get_user(): it never
    logs anyone in, so sessions and force_login() use the next backend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        remaining = wait(username=username, ip=client_ip(request))
        if remaining:
            request.login_wait = remaining
            raise PermissionDenied
        return None


def on_login_failed(sender, credentials: dict, request=None, **kwargs) -> None:
    if request is not None and not getattr(request, "login_wait", None):
        record_failure(username=credentials.get("username"), ip=client_ip(request))


def on_logged_in(sender, request, user, **kwargs) -> None:
    if request is not None:
        record_success(username=user.get_username(), ip=client_ip(request))
