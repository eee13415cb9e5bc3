"""The draft forms (new and edit facture, new and edit devis, new dossier) and the client / dossier
pickers' search, at a real cabinet's size (300 clients, 1 200 dossiers): queries per page and latency
through the Django test client.

Usage (repo root):
  .venv/bin/python bench/bench_forms.py                             10 000 invoices, one cabinet (SQLite)
  DATABASE_URL=postgres://… BENCH_CABINETS=1 BENCH_INVOICES=100000 .venv/bin/python bench/bench_forms.py
      100 000 invoices in each of BENCH_CABINETS cabinets, seeded in SQL (PostgreSQL only)
BENCH_EXPLAIN=1 prints each query's EXPLAIN ANALYZE execution time (=full: the plans).
Runs on a throwaway test database (in-memory SQLite, or test_<name> of DATABASE_URL). Prints figures
only; the goal is p95 < 100 ms with a number of queries that does not grow with the clients and dossiers.
"""

from __future__ import annotations

import os

from _common import (
    cabinet_with_invoices,
    keep_connection_open,
    measure_page,
    setup_django,
    throwaway_db,
)

setup_django()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

RUNS = 60


def seeded():
    """(cabinet, user, seconds) of the measured cabinet, with BENCH_CABINETS cabinets on PostgreSQL."""
    cabinets = int(os.environ.get("BENCH_CABINETS", "0"))
    if not cabinets:
        return cabinet_with_invoices()
    from _bulk import seed_cabinets

    pairs, seconds = seed_cabinets(
        cabinets, invoices=int(os.environ.get("BENCH_INVOICES", "100000")), extras=True
    )
    return pairs[0][0], pairs[0][1], seconds


def drafts(cabinet) -> tuple[int, int, int]:
    """A draft facture and a draft devis of the cabinet with a few lines (made if the seed has none),
    and one of its dossiers."""
    from clients.models import Dossier
    from invoices.models import Invoice, InvoiceStatus, Quote, QuoteStatus
    from tests import factories

    dossier = Dossier.objects.filter(cabinet=cabinet).select_related("client").order_by("pk").first()
    invoice = Invoice.objects.filter(cabinet=cabinet, status=InvoiceStatus.DRAFT).order_by("-pk").first()
    if invoice is None or not invoice.lines.exists():
        invoice = factories.make_invoice(cabinet, client=dossier.client, dossier=dossier)
    quote = Quote.objects.filter(cabinet=cabinet, status=QuoteStatus.PENDING).order_by("-pk").first()
    if quote is None or not quote.lines.exists():
        quote = factories.make_quote(cabinet, client=dossier.client, dossier=dossier)
    return invoice.pk, quote.pk, dossier.pk


def main() -> None:
    keep_connection_open()
    with throwaway_db():
        cabinet, user, seconds = seeded()
        from clients.models import Client as Customer
        from clients.models import Dossier
        from invoices.models import Invoice

        print(
            f"{Invoice.objects.count()} invoices, {Customer.objects.filter(cabinet=cabinet).count()} clients"
            f" and {Dossier.objects.filter(cabinet=cabinet).count()} dossiers in the measured cabinet,"
            f" written in {seconds:.1f} s ({connection.vendor})"
        )
        invoice, quote, dossier = drafts(cabinet)
        client = Dossier.objects.get(pk=dossier).client_id
        http = Client()
        http.force_login(user)
        print(f"{'page':<44} {'queries':>7} {'median ms':>10} {'p95 ms':>8}")
        for url in (
            "/factures/nouvelle/",
            f"/factures/nouvelle/?dossier={dossier}",
            f"/factures/{invoice}/modifier/",
            "/factures/devis/nouveau/",
            f"/factures/devis/{quote}/modifier/",
            f"/dossiers/nouveau/?client={client}",
            f"/dossiers/{dossier}/modifier/",
            "/clients/choix/?q=Client",
            "/clients/choix/?q=732+829+320",
            "/dossiers/choix/?q=Bornage",
            f"/dossiers/choix/?q=2&client={client}",
        ):
            queries, median, p95 = measure_page(http, url, RUNS)
            print(f"{url:<44} {queries:>7} {median:>10.1f} {p95:>8.1f}")
        print(f"({RUNS} requests per page after one warm-up, Django test client)")


if __name__ == "__main__":
    main()
