"""What the benchmarks share: Django on the test settings, a throwaway database, the 10 000-invoice cabinet."""

from __future__ import annotations

import datetime
import os
import sys
import time
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INVOICES, CLIENTS, DOSSIERS = 10_000, 300, 1_200


def setup_django() -> None:
    """Django on settings.test unless DJANGO_SETTINGS_MODULE says otherwise (call before importing models)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.test")
    import django

    django.setup()


@contextmanager
def throwaway_db():
    """A test database (in-memory SQLite, or test_<name> of DATABASE_URL) for the duration of the block."""
    from django.db import connection

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield connection
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def cabinet_with_invoices():
    """The bench cabinet, its user « bench » and INVOICES invoices written in bulk; returns them with the load's
    duration in seconds."""
    from tests import factories

    cabinet = factories.make_cabinet(raison_sociale="Cabinet Banc d'essai")
    user = factories.make_user(cabinet, username="bench")
    started = time.perf_counter()
    populate(cabinet, user)
    return cabinet, user, time.perf_counter() - started


def populate(cabinet, user) -> None:
    """Rows written in bulk: the list reads them, it does not need their PDFs."""
    from django.db import connection

    from clients.models import Client as Customer
    from clients.models import Dossier, WorkFamily
    from invoices.models import Invoice, InvoiceStatus

    families = WorkFamily.objects.bulk_create(
        [
            WorkFamily(cabinet=cabinet, libelle=f)
            for f in ("Bornage", "Topographie", "Division", "Implantation")
        ]
    )
    customers = Customer.objects.bulk_create(
        [
            Customer(cabinet=cabinet, nom=f"Client {i:04d}", ville="Toulouse", responsable=user)
            for i in range(CLIENTS)
        ]
    )
    dossiers = Dossier.objects.bulk_create(
        [
            Dossier(
                cabinet=cabinet,
                numero=f"2026-{i:04d}",
                objet=f"Bornage parcelle AB {i}",
                client=customers[i % CLIENTS],
                famille=families[i % len(families)],
                responsable=user,
            )
            for i in range(DOSSIERS)
        ]
    )
    start = datetime.date(2024, 1, 1)
    statuses = [InvoiceStatus.PAID, InvoiceStatus.ISSUED, InvoiceStatus.PARTIALLY_PAID, InvoiceStatus.PAID]
    rows = []
    for i in range(INVOICES):
        dossier = dossiers[i % DOSSIERS]
        day = start + datetime.timedelta(days=i // 12)
        ht = Decimal(800 + (i % 50) * 25)
        rows.append(
            Invoice(
                cabinet=cabinet,
                client=dossier.client,
                dossier=dossier,
                objet=dossier.objet,
                status=statuses[i % 4] if i < INVOICES - 40 else InvoiceStatus.DRAFT,
                number=f"F{day:%y%m}-{i + 1:05d}" if i < INVOICES - 40 else None,
                issue_date=day if i < INVOICES - 40 else None,
                due_date=day + datetime.timedelta(days=30),
                total_ht=ht,
                total_vat=ht / 5,
                total_ttc=ht * 6 / 5,
                net_to_pay=ht * 6 / 5,
                reminder_count=i % 3,
            )
        )
    Invoice.objects.bulk_create(rows, batch_size=1000)
    if connection.vendor == "postgresql":
        # What autovacuum would do after such a load: give the planner its statistics.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def measure_page(http, url: str, runs: int = 60) -> tuple[int, float, float]:
    """(queries of one request, median ms, p95 ms over `runs` requests after one warm-up)."""
    import statistics

    from django.db import connection

    executed = []

    def count(execute, sql, params, many, context):
        if sql.startswith("EXPLAIN "):  # BENCH_EXPLAIN's own, not the page's
            return execute(sql, params, many, context)
        executed.append(sql)
        if os.environ.get("BENCH_EXPLAIN") and sql.lstrip().upper().startswith("SELECT"):
            # The query-level view, less sensitive than wall time to a shared machine's load.
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                plan = [str(row[0]) for row in cursor.fetchall()]
            if os.environ.get("BENCH_EXPLAIN") == "full":
                print(sql[:400], params)
                print("\n".join(plan))
            else:
                print(f"  {plan[-1].strip():<32} {sql[:110]}")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        assert http.get(url).status_code == 200, url
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        cProfile.runctx("http.get(url)", globals(), {"http": http, "url": url}, "/tmp/bench-page.prof")
        pstats.Stats("/tmp/bench-page.prof").sort_stats("cumulative").print_stats(30)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        http.get(url)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return len(executed), statistics.median(samples), samples[max(int(len(samples) * 0.95) - 1, 0)]


def keep_connection_open() -> None:
    """Keep the connection between requests, as production does with CONN_MAX_AGE (and as an in-memory
    test database requires)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
