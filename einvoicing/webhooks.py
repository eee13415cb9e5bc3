"""The PA's webhook: a URL with an unguessable per-account secret, which the cabinet copies into its PA's
portal (registration and signing are PA-specific, reference.md §2 « Webhooks »). The secret is stored hashed
(sha256; 256 random bits, so no slow hash is needed) and shown once, when it is generated: a leaked database
gives no usable URL, and a lost URL is simply generated again. The call's body is never trusted: a valid
call only triggers the same reconciliation by search as the periodic job, at most once per DEBOUNCE."""

from __future__ import annotations

import hashlib
import secrets

from django.core.cache import cache
from django.db import transaction

from einvoicing.models import PlatformAccount

# Calls within this window trigger one refresh; beyond RATE calls a minute per account the answer is 429.
DEBOUNCE_SECONDS = 10
RATE_PER_MINUTE = 60


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def generate_secret(account: PlatformAccount) -> str:
    """A new secret for the account's webhook URL (the previous URL stops working). Returned once."""
    secret = secrets.token_urlsafe(32)
    account.webhook_secret_hash = _hash(secret)
    account.save(update_fields=["webhook_secret_hash"])
    return secret


def account_for(secret: str) -> PlatformAccount | None:
    if not secret or len(secret) > 100:
        return None
    return PlatformAccount.objects.filter(webhook_secret_hash=_hash(secret)).first()


def over_rate(account: PlatformAccount) -> bool:
    key = f"pa-webhook-rate:{account.pk}"
    cache.add(key, 0, timeout=60)
    try:
        return cache.incr(key) > RATE_PER_MINUTE
    except ValueError:  # expired between add and incr
        return False


def trigger_refresh(account: PlatformAccount) -> bool:
    """Queues the account's lifecycle refresh unless one was queued within DEBOUNCE_SECONDS."""
    from einvoicing import tasks

    if not cache.add(f"pa-webhook-refresh:{account.pk}", 1, timeout=DEBOUNCE_SECONDS):
        return False
    transaction.on_commit(lambda: tasks.refresh_lifecycle.delay(account.pk))
    return True
