"""Invoice list page at 10 000 invoices: queries per page and latency through the Django test client.

Usage (repo root): .venv/bin/python bench/bench_invoice_list.py
Runs on a throwaway test database (in-memory SQLite, or test_<name> of DATABASE_URL). Prints figures
only; the goal is p95 < 100 ms.
"""

from __future__ import annotations

import datetime
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings.test")

import django  # noqa: E402

django.setup()

from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.test import Client  # noqa: E402

INVOICES, CLIENTS, DOSSIERS, RUNS = 10_000, 300, 1_200, 60


def populate(cabinet, user) -> None:
    """Rows written in bulk: the list reads them, it does not need their PDFs."""
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


def measure(http: Client, url: str) -> tuple[int, float, float]:
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        if (
            os.environ.get("BENCH_EXPLAIN")
            and sql.lstrip().upper().startswith("SELECT")
            and "invoices_invoice" in sql
        ):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN ANALYZE " + sql, params)
                print("\n".join(str(row[0]) for row in cursor.fetchall()))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        assert http.get(url).status_code == 200
    samples = []
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        cProfile.runctx("http.get(url)", globals(), {"http": http, "url": url}, "/tmp/bench-list.prof")
        pstats.Stats("/tmp/bench-list.prof").sort_stats("cumulative").print_stats(30)
    for _ in range(RUNS):
        start = time.perf_counter()
        http.get(url)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return len(executed), statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main() -> None:
    # Keep the connection open between requests, as production does with CONN_MAX_AGE (and as an
    # in-memory test database requires).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from tests import factories

        cabinet = factories.make_cabinet(raison_sociale="Cabinet Banc d'essai")
        user = factories.make_user(cabinet, username="bench")
        started = time.perf_counter()
        populate(cabinet, user)
        print(f"{INVOICES} invoices written in {time.perf_counter() - started:.1f} s ({connection.vendor})")
        http = Client()
        http.force_login(user)
        print(f"{'page':<44} {'queries':>7} {'median ms':>10} {'p95 ms':>8}")
        for url in (
            "/factures/",
            "/factures/?page=200",
            "/factures/?status=emise",
            "/factures/?overdue=on",
            "/factures/?start=2025-01-01&end=2025-06-30&page=3",
        ):
            queries, median, p95 = measure(http, url)
            print(f"{url:<44} {queries:>7} {median:>10.1f} {p95:>8.1f}")
        print(f"({RUNS} requests per page after one warm-up, Django test client, 25 rows per page)")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
