"""A month of e-reporting for 2 000 B2C invoices and their règlements: generation (transactions 10.3 and
collections 10.4 computed and written as XML) and validation (flux 10 XSD + PPF schematron) timed apart.

Usage (repo root): .venv/bin/python bench/bench_ereporting.py   (BENCH_INVOICES=500 for a quicker run)
Runs on a throwaway test database (in-memory SQLite, or test_<name> of DATABASE_URL). Each step is run once
for time and queries, then again under tracemalloc for its peak of Python allocations. Prints figures only.
"""

from __future__ import annotations

import datetime
import os
import time
import tracemalloc
from decimal import Decimal

from _common import setup_django, throwaway_db

setup_django()

from django.db import connection  # noqa: E402

INVOICES = int(os.environ.get("BENCH_INVOICES", "2000"))
CLIENTS = 400
MONTH = datetime.date(2026, 11, 1)
PA = {"platform_matricule": "0099", "platform_name": "Plateforme banc d'essai"}


def populate(cabinet) -> None:
    """INVOICES issued invoices to individuals over the month (one or two lines, 20 % and 10 %), each paid
    in full by one règlement later in the month or the next; written in bulk."""
    from clients.models import Client as Customer
    from invoices.models import Invoice, InvoiceLine, InvoiceStatus, Payment, PaymentAllocation

    customers = Customer.objects.bulk_create(
        [
            Customer(cabinet=cabinet, nom=f"M. Particulier {i:04d}", categorie="particulier", ville="Albi")
            for i in range(CLIENTS)
        ]
    )
    invoices, lines = [], []
    for i in range(INVOICES):
        day = MONTH + datetime.timedelta(days=i % 30)
        ht = Decimal(600 + (i % 40) * 25)
        second = Decimal("150.00") if i % 3 == 0 else Decimal("0.00")
        vat = ht / 5 + second / 10
        invoices.append(
            Invoice(
                cabinet=cabinet,
                client=customers[i % CLIENTS],
                objet=f"Bornage parcelle {i}",
                status=InvoiceStatus.DRAFT,
                number=f"F{day:%y%m}-{i + 1:05d}",
                issue_date=day,
                due_date=day + datetime.timedelta(days=30),
                issued_at=datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC),
                total_ht=ht + second,
                total_vat=vat,
                total_ttc=ht + second + vat,
                net_to_pay=ht + second + vat,
            )
        )
    Invoice.objects.bulk_create(invoices, batch_size=1000)
    for i, inv in enumerate(invoices):
        lines.append(
            InvoiceLine(invoice=inv, designation="Bornage", unit_price=inv.total_ht, total_ht=inv.total_ht)
        )
        if i % 3 == 0:
            lines[-1].unit_price = lines[-1].total_ht = inv.total_ht - Decimal("150.00")
            lines.append(
                InvoiceLine(
                    invoice=inv,
                    position=1,
                    designation="Travaux",
                    unit_price=Decimal("150.00"),
                    total_ht=Decimal("150.00"),
                    vat_rate="10.00",
                )
            )
    InvoiceLine.objects.bulk_create(lines, batch_size=2000)
    Invoice.objects.filter(cabinet=cabinet).update(status=InvoiceStatus.ISSUED)
    payments = Payment.objects.bulk_create(
        [
            Payment(
                cabinet=cabinet,
                client=inv.client,
                date=min(inv.issue_date + datetime.timedelta(days=10), MONTH.replace(day=30)),
                amount=inv.total_ttc,
                mode="virement",
            )
            for inv in invoices
        ],
        batch_size=1000,
    )
    PaymentAllocation.objects.bulk_create(
        [
            PaymentAllocation(payment=p, invoice=inv, amount=inv.total_ttc)
            for p, inv in zip(payments, invoices, strict=True)
        ],
        batch_size=2000,
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def measure(step):
    """(result, seconds, queries, peak MB) of step(): timed once, then run again under tracemalloc."""
    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        t0 = time.perf_counter()
        result = step()
        seconds = time.perf_counter() - t0
    tracemalloc.start()
    step()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return result, seconds, len(executed), peak


def main() -> None:
    from einvoicing import ereporting
    from tests import factories

    with throwaway_db():
        cabinet = factories.make_cabinet(raison_sociale="Cabinet Banc d'essai")
        started = time.perf_counter()
        populate(cabinet)
        print(
            f"{INVOICES} B2C invoices and règlements written in {time.perf_counter() - started:.1f} s ({connection.vendor})"
        )
        end = ereporting._month_end(MONTH)
        # warm the XSD and the compiled schematron once: their one-off cost is shown apart
        t0 = time.perf_counter()
        ereporting.check(ereporting.transactions_xml(cabinet, MONTH, MONTH, **PA))
        print(f"one-off XSD load and schematron compilation: {time.perf_counter() - t0:.2f} s")
        print(f"{'step':<44} {'KB':>7} {'queries':>7} {'seconds':>8} {'peak MB':>8}")

        def row(label, result, seconds, queries, peak, size=None):
            shown = f"{size / 1e3:>7.0f}" if size is not None else f"{'':>7}"
            print(f"{label:<44} {shown} {queries:>7} {seconds:>8.2f} {peak:>8.1f}")

        tx, *fig = measure(lambda: ereporting.transactions_xml(cabinet, MONTH, end, **PA))
        row("10.3 transactions of the month: generation", tx, *fig, size=len(tx))
        problems, *fig = measure(lambda: ereporting.check(tx))
        assert problems == [], problems[:3]
        row("10.3 validation (XSD + PPF schematron)", problems, *fig)
        pay, *fig = measure(lambda: ereporting.payments_xml(cabinet, MONTH, end, **PA))
        row("10.4 collections of the month: generation", pay, *fig, size=len(pay))
        problems, *fig = measure(lambda: ereporting.check(pay))
        assert problems == [], problems[:3]
        row("10.4 validation (XSD + PPF schematron)", problems, *fig)
        print(
            "(seconds and queries: first run; peak MB: Python allocations during a second run, tracemalloc)"
        )


if __name__ == "__main__":
    main()
