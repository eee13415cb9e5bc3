"""The simulator's state: its clock, its seeded directory, its call statistics, and resets.

Everything lives in the database so that a test, a benchmark and a simulator served by another process
(`manage.py chorus_simulator`, gunicorn) see the same clock, data and switches.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone

from chorus.simulator import seed_data
from chorus.simulator.models import (
    SimAttachment,
    SimBankAccount,
    SimCall,
    SimClock,
    SimFault,
    SimFlux,
    SimInvoice,
    SimService,
    SimStructure,
    SimTechnicalAccount,
    SimToken,
)


def write_first() -> None:
    """Inside a transaction that reads then writes, takes SQLite's write lock before reading.

    SQLite begins transactions DEFERRED: one that has read cannot upgrade to writing while another
    connection writes, and fails at once with "database is locked" instead of waiting (seen with a dozen
    concurrent clients on the threaded server). A first write statement, even one touching no row, makes
    it wait its turn instead. PostgreSQL needs nothing here: select_for_update does that job.
    """
    if connection.vendor == "sqlite":
        SimClock.objects.filter(pk__lt=0).update(offset_seconds=0)


def _clock() -> SimClock:
    clock, _ = SimClock.objects.get_or_create(pk=1)
    return clock


def now() -> datetime:
    """Simulated time: wall time shifted by the offset the tests have added."""
    return timezone.now() + timedelta(seconds=_clock().offset_seconds)


def today() -> date:
    return timezone.localdate(now())


def advance_clock(*, days: float = 0, hours: float = 0, minutes: float = 0, seconds: float = 0) -> datetime:
    """Moves simulated time forward and lets the invoices catch up with it."""
    from chorus.simulator import lifecycle

    step = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds).total_seconds()
    if step < 0:
        raise ValueError("Le temps du simulateur n'avance que vers le futur.")
    _clock()
    with transaction.atomic():
        write_first()
        clock = SimClock.objects.select_for_update().get(pk=1)
        clock.offset_seconds += step
        clock.save(update_fields=["offset_seconds"])
    current = now()
    lifecycle.catch_up(current)
    return current


def seed() -> None:
    """Creates or refreshes the demo directory; safe to run again (keys are the Chorus ids)."""
    with transaction.atomic():
        write_first()
        for entry in seed_data.SUPPLIERS:
            _seed_structure(entry, is_public=False)
        for entry in seed_data.RECIPIENTS:
            _seed_structure(entry, is_public=True)
        for login, password, expires, user_id, sirets in seed_data.ACCOUNTS:
            account, _ = SimTechnicalAccount.objects.update_or_create(
                login=login,
                defaults={"password": password, "password_expires_on": expires, "id_utilisateur": user_id},
            )
            account.structures.set(SimStructure.objects.filter(siret__in=sirets, is_public=False))


def _seed_structure(entry: dict, *, is_public: bool) -> None:
    fields = {k: v for k, v in entry.items() if k not in ("id_cpp", "services", "banks")}
    structure, _ = SimStructure.objects.update_or_create(
        id_cpp=entry["id_cpp"], defaults={**fields, "is_public": is_public}
    )
    for id_service, code, libelle, active, ej in entry.get("services", []):
        SimService.objects.update_or_create(
            id_service=id_service,
            defaults={
                "structure": structure,
                "code": code,
                "libelle": libelle,
                "active": active,
                "ej_obligatoire": ej,
                "date_debut": date(2017, 1, 1),
                "date_fin": None if active else date(2024, 12, 31),
            },
        )
    for id_coordonnee, nom, iban, bic in entry.get("banks", []):
        SimBankAccount.objects.update_or_create(
            id_coordonnee=id_coordonnee,
            defaults={"structure": structure, "nom": nom, "iban": iban, "bic": bic},
        )


def ensure_seeded() -> None:
    """Seeds on first use, so a fresh database needs no manual step."""
    if not SimStructure.objects.exists():
        try:
            seed()
        except IntegrityError:
            pass  # a concurrent first call seeded it at the same moment


def stats() -> dict[str, int]:
    """Number of calls received per operation since the last reset."""
    rows = SimCall.objects.values("operation").annotate(n=Count("id")).order_by("operation")
    return {row["operation"]: row["n"] for row in rows}


def stats_by_status() -> dict[str, dict[str, int]]:
    """Calls per operation and HTTP status; a call whose reply is still held back counts under "pending"."""
    rows = SimCall.objects.values("operation", "http_status").annotate(n=Count("id")).order_by("operation")
    found: dict[str, dict[str, int]] = {}
    for row in rows:
        status = str(row["http_status"]) if row["http_status"] is not None else "pending"
        found.setdefault(row["operation"], {})[status] = row["n"]
    return found


def reset(*, faults: bool = True, stats: bool = True, clock: bool = False, data: bool = False) -> None:
    """Clears fault switches and statistics; on request the clock, and the invoices and files too.

    `data` wipes everything the API created (tokens, files, invoices, flows) and resets the clock, since
    a clock moved back under existing invoices would give them histories in the future.
    """
    with transaction.atomic():
        if faults:
            SimFault.objects.all().delete()
        if stats:
            SimCall.objects.all().delete()
        if data:
            SimInvoice.objects.all().delete()
            SimAttachment.objects.all().delete()
            SimFlux.objects.all().delete()
            SimToken.objects.all().delete()
        if clock or data:
            SimClock.objects.update_or_create(pk=1, defaults={"offset_seconds": 0})
    if data:
        seed()
