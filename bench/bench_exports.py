"""List exports (CSV / XLSX) and the FEC at 100 000 invoices: time, queries and peak Python memory.

Usage (repo root): .venv/bin/python bench/bench_exports.py   (BENCH_INVOICES=20000 for a quicker run)
Runs on a throwaway test database (in-memory SQLite, or test_<name> of DATABASE_URL). Each export goes
through the Django test client and its body is read chunk by chunk and dropped, as a browser download
would; the peak is Python's (tracemalloc) during a second run of the same export. Prints figures only.
"""

from __future__ import annotations

import datetime
import os
import time
import tracemalloc
from decimal import Decimal

from _common import setup_django, throwaway_db

setup_django()

from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.test import Client  # noqa: E402

INVOICES = int(os.environ.get("BENCH_INVOICES", "100000"))
CLIENTS = 2_000
YEAR = 2026


def populate(cabinet, user) -> None:
    """Issued invoices with one line each over 2025–2026, a règlement for every other one (allocated to
    it, so the FEC moves its VAT on receipt from 44574 to 44571), in bulk."""
    from clients.models import Client as Customer
    from invoices.models import Invoice, InvoiceLine, InvoiceStatus, Payment, PaymentAllocation

    customers = Customer.objects.bulk_create(
        [Customer(cabinet=cabinet, nom=f"Client {i:05d}", ville="Toulouse") for i in range(CLIENTS)]
    )
    start = datetime.date(YEAR - 1, 1, 1)
    per_day = max(INVOICES // 730, 1)
    invoices = []
    for i in range(INVOICES):
        day = start + datetime.timedelta(days=min(i // per_day, 729))
        ht = Decimal(800 + (i % 50) * 25)
        invoices.append(
            Invoice(
                cabinet=cabinet,
                client=customers[i % CLIENTS],
                objet=f"Bornage parcelle AB {i}",
                status=InvoiceStatus.DRAFT,  # lines go in while drafts; then one UPDATE issues them all
                number=f"F{day:%y%m}-{i + 1:06d}",
                issue_date=day,
                due_date=day + datetime.timedelta(days=30),
                issued_at=datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC),
                total_ht=ht,
                total_vat=ht / 5,
                total_ttc=ht * 6 / 5,
                net_to_pay=ht * 6 / 5,
            )
        )
    Invoice.objects.bulk_create(invoices, batch_size=2000)
    InvoiceLine.objects.bulk_create(
        [
            InvoiceLine(
                invoice=inv, designation="Bornage amiable", unit_price=inv.total_ht, total_ht=inv.total_ht
            )
            for inv in invoices
        ],
        batch_size=2000,
    )
    Invoice.objects.filter(cabinet=cabinet).update(status=InvoiceStatus.ISSUED)
    payments = Payment.objects.bulk_create(
        [
            Payment(
                cabinet=cabinet,
                client=inv.client,
                date=inv.issue_date + datetime.timedelta(days=20),
                amount=inv.total_ttc,
                mode="virement",
            )
            for inv in invoices[::2]
        ],
        batch_size=2000,
    )
    PaymentAllocation.objects.bulk_create(
        [
            PaymentAllocation(payment=payment, invoice=inv, amount=payment.amount)
            for payment, inv in zip(payments, invoices[::2], strict=True)
        ],
        batch_size=2000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def download(http: Client, url: str) -> tuple[int, int]:
    """(bytes, queries) of one download, its body read and dropped chunk by chunk."""
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    size = 0
    with connection.execute_wrapper(count):
        response = http.get(url)
        assert response.status_code == 200, url
        for chunk in response.streaming_content:
            size += len(chunk)
        response.close()
    return size, len(executed)


def main() -> None:
    from tests import factories

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    with throwaway_db():
        cabinet = factories.make_cabinet(raison_sociale="Cabinet Banc d'essai")
        user = factories.make_user(cabinet, username="bench")
        started = time.perf_counter()
        populate(cabinet, user)
        print(
            f"{INVOICES} invoices, {INVOICES // 2} règlements written in {time.perf_counter() - started:.1f} s "
            f"({connection.vendor})"
        )
        http = Client()
        http.force_login(user)
        print(f"{'export':<40} {'rows':>7} {'MB':>7} {'queries':>7} {'seconds':>8} {'peak MB':>8}")
        for label, url, rows in (
            ("Factures CSV", "/factures/export/csv/", INVOICES),
            ("Factures XLSX", "/factures/export/xlsx/", INVOICES),
            (
                "Factures CSV, émises en 2026",
                f"/factures/export/csv/?start={YEAR}-01-01&end={YEAR}-12-31",
                None,
            ),
            ("Règlements CSV", "/factures/reglements/export/csv/", INVOICES // 2),
            ("Règlements XLSX", "/factures/reglements/export/xlsx/", INVOICES // 2),
            ("Clients XLSX", "/clients/export/xlsx/", CLIENTS),
            ("Impayés par facture CSV", "/comptabilite/impayes/csv/?par=facture", None),
            ("Impayés XLSX (2 feuilles)", "/comptabilite/impayes/xlsx/", None),
            (f"FEC {YEAR}", f"/comptabilite/fec/?exercice={YEAR}", None),
        ):
            t0 = time.perf_counter()
            size, queries = download(http, url)
            seconds = time.perf_counter() - t0
            tracemalloc.start()
            download(http, url)
            peak = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
            shown = f"{rows:>7}" if rows else f"{'':>7}"
            print(f"{label:<40} {shown} {size / 1e6:>7.1f} {queries:>7} {seconds:>8.1f} {peak:>8.1f}")
        print(
            "(peak MB: Python allocations during a second run, tracemalloc; seconds: the first run, without it)"
        )


if __name__ == "__main__":
    main()
