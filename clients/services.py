"""Verbs on clients and dossiers."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from clients.models import DEFAULT_WORK_FAMILIES, Client, Dossier, WorkFamily
from geoprod.models import Cabinet
from geoprod.services import next_counter_value


@transaction.atomic
def create_dossier(*, cabinet: Cabinet, client: Client, **fields) -> Dossier:
    """Creates a dossier with the next number of the cabinet's year series (e.g. 2026-0042).

    Raises ValueError if the client belongs to another cabinet.
    """
    if client.cabinet_id != cabinet.id:
        raise ValueError("Ce client n'appartient pas au cabinet.")
    year = timezone.localdate().year
    value = next_counter_value(cabinet=cabinet, name=f"dossier-{year}")
    dossier = Dossier(cabinet=cabinet, client=client, numero=f"{year}-{value:04d}", **fields)
    dossier.full_clean()
    dossier.save()
    return dossier


def seed_work_families(*, cabinet: Cabinet) -> None:
    """Gives a cabinet the usual surveying work families (idempotent)."""
    existing = set(WorkFamily.objects.filter(cabinet=cabinet).values_list("libelle", flat=True))
    WorkFamily.objects.bulk_create(
        [
            WorkFamily(cabinet=cabinet, libelle=libelle)
            for libelle in DEFAULT_WORK_FAMILIES
            if libelle not in existing
        ]
    )
