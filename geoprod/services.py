"""Cabinet-level verbs: gapless counters, cabinet creation with its defaults."""

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


def seed_work_families(*, cabinet: Cabinet) -> None:
    """Gives a cabinet the usual surveying work families (idempotent)."""
    from clients.models import DEFAULT_WORK_FAMILIES, WorkFamily

    existing = set(WorkFamily.objects.filter(cabinet=cabinet).values_list("libelle", flat=True))
    WorkFamily.objects.bulk_create(
        [
            WorkFamily(cabinet=cabinet, libelle=libelle)
            for libelle in DEFAULT_WORK_FAMILIES
            if libelle not in existing
        ]
    )
