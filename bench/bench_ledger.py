"""Cost of the ledger guards on « Valider »: validation time without, then with, the database triggers and
the register's hash chain, measured in one run, alternating so that drift hits both alike.

Usage (repo root): .venv/bin/python bench/bench_ledger.py
Runs on a throwaway test database (in-memory SQLite, or test_<name> of DATABASE_URL). Prints figures only.
Three measures: the full validation (Factur-X check and PDF rendering included, what a user waits for),
the validation's database work alone (PDF and Factur-X stubbed, where the guards' cost shows), and
1 000 payment-tracking updates of issued invoices (the row trigger on every UPDATE).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from contextlib import contextmanager

from _common import setup_django, throwaway_db

setup_django()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

FULL_RUNS, DB_RUNS, UPDATES = 12, 60, 1_000


@contextmanager
def guards(on: bool):
    """Triggers and chain on (the product) or off (as before them)."""
    from invoices import dbguard
    from invoices.services import issue, ledger

    real = ledger.register_issue
    if on:
        dbguard.install(connection)
    else:
        dbguard.uninstall(connection)
        issue.ledger.register_issue = lambda **kwargs: None
    try:
        yield
    finally:
        issue.ledger.register_issue = real
        dbguard.install(connection)


@contextmanager
def rendering_stubbed():
    from invoices import facturx_validation, pdf

    real_render, real_validate = pdf.render_invoice_pdf, facturx_validation.validate

    class Ok:
        ok = True

    pdf.render_invoice_pdf = lambda invoice, facturx_xml=None: b"%PDF-1.7 bench"
    facturx_validation.validate = lambda xml, french_rules=False: Ok()
    try:
        yield
    finally:
        pdf.render_invoice_pdf, facturx_validation.validate = real_render, real_validate


def time_validation(cabinet, client, on: bool) -> float:
    from invoices import services
    from tests import factories

    draft = factories.make_invoice(cabinet, client=client)
    with guards(on):
        start = time.perf_counter()
        services.issue_invoice(invoice=draft)
        return time.perf_counter() - start


def time_updates(cabinet, on: bool) -> float:
    from invoices.models import Invoice

    ids = list(Invoice.objects.filter(cabinet=cabinet).exclude(number=None).values_list("pk", flat=True))
    with guards(on), transaction.atomic():
        start = time.perf_counter()
        for i in range(UPDATES):
            Invoice.objects.filter(pk=ids[i % len(ids)]).update(reminder_count=i % 7)
        return time.perf_counter() - start


def compare(label: str, runs: int, measure) -> None:
    measure(False), measure(True)  # warm-up
    samples = [(measure(False), measure(True)) for _ in range(runs)]
    before = statistics.median(s[0] for s in samples)
    after = statistics.median(s[1] for s in samples)
    print(f"{label:<44} {before * 1000:>10.2f} {after * 1000:>10.2f} {after / before:>6.2f}")


def main() -> None:
    settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="geoprod-bench-")
    setup_test_environment()
    with throwaway_db():
        from tests import factories

        cabinet = factories.make_cabinet(raison_sociale="Cabinet Banc d'essai")
        client = factories.make_client(cabinet, nom="SCI Banc d'essai", siret="73282932000074")
        print(f"database: {connection.vendor}")
        print(f"{'measure (median)':<44} {'before ms':>10} {'after ms':>10} {'ratio':>6}")
        compare(
            f"« Valider », full ({FULL_RUNS} runs)",
            FULL_RUNS,
            lambda on: time_validation(cabinet, client, on),
        )
        with rendering_stubbed():
            compare(
                f"« Valider », database work only ({DB_RUNS} runs)",
                DB_RUNS,
                lambda on: time_validation(cabinet, client, on),
            )
        compare(f"{UPDATES} payment-tracking UPDATEs (5 runs)", 5, lambda on: time_updates(cabinet, on))
        print("before = no triggers, no register entry; after = the product as shipped (journal in both)")


if __name__ == "__main__":
    main()
