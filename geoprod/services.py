"""Cabinet-level verbs: gapless counters."""

from __future__ import annotations

from django.db import transaction

from geoprod.models import Cabinet, Counter


def next_counter_value(*, cabinet: Cabinet, name: str) -> int:
    """Increments and returns a per-cabinet counter under a row lock.

    Must run inside the caller's transaction so that a rollback gives the number back (no gap).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_counter_value doit être appelé dans une transaction.")
    counter, _ = Counter.objects.select_for_update().get_or_create(cabinet=cabinet, name=name)
    counter.value += 1
    counter.save(update_fields=["value"])
    return counter.value
