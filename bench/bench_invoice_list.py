"""Invoice list page, with its filters and the search box: queries per page and latency through the
Django test client.

Usage (repo root):
  .venv/bin/python bench/bench_invoice_list.py                      10 000 invoices, one cabinet
  DATABASE_URL=postgres://… BENCH_CABINETS=10 BENCH_INVOICES=100000 .venv/bin/python bench/bench_invoice_list.py
      100 000 invoices in each of 10 cabinets (1 000 000 rows), seeded in SQL (PostgreSQL only)
BENCH_EXPLAIN=1 prints each query's EXPLAIN ANALYZE execution time (=full: the plans); BENCH_PROFILE=1 a profile
of one request per page.
Runs on a throwaway test database (in-memory SQLite, or test_<name> of DATABASE_URL). Prints figures
only; the goal is p95 < 100 ms with a number of queries that does not grow with the rows. A search's page is
measured, then (« + /factures/totaux/ ») its totals row and page count, which the page loads after it.
"""

from __future__ import annotations

import os

from _common import (
    INVOICES,
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


def main() -> None:
    keep_connection_open()
    cabinets = int(os.environ.get("BENCH_CABINETS", "0"))
    with throwaway_db():
        if cabinets:
            from _bulk import seed_cabinets

            invoices = int(os.environ.get("BENCH_INVOICES", "100000"))
            pairs, seconds = seed_cabinets(cabinets, invoices=invoices)
            user, total = pairs[0][1], invoices * cabinets
            print(f"{total} invoices in {cabinets} cabinets written in {seconds:.1f} s ({connection.vendor})")
        else:
            _, user, seconds = cabinet_with_invoices()
            print(f"{INVOICES} invoices written in {seconds:.1f} s ({connection.vendor})")
        http = Client()
        http.force_login(user)
        print(f"{'page':<44} {'queries':>7} {'median ms':>10} {'p95 ms':>8}")
        for url in (
            "/factures/",
            "/factures/?page=200",
            "/factures/?status=emise",
            "/factures/?overdue=on",
            "/factures/?start=2025-01-01&end=2025-06-30&page=3",
            "/factures/?q=1+300%2C00+%E2%82%AC",
            "/factures/?q=Division",
            "/factures/?q=Division&page=40",
            "/factures/?q=AB+1234",
            "/factures/?q=Client+0042",
            "/factures/?q=732+829+330",
            "/factures/?q=introuvable",
            "/factures/?q=Bornage&status=emise&start=2025-01-01",
        ):
            queries, median, p95 = measure_page(http, url, RUNS)
            print(f"{url:<44} {queries:>7} {median:>10.1f} {p95:>8.1f}")
            if "q=" in url:  # a search's totals row and page count, loaded after its page
                totals = url.replace("/factures/?", "/factures/totaux/?")
                queries, median, p95 = measure_page(http, totals, RUNS)
                print(f"{'  + ' + totals:<44} {queries:>7} {median:>10.1f} {p95:>8.1f}")
        print(f"({RUNS} requests per page after one warm-up, Django test client, 25 rows per page)")


if __name__ == "__main__":
    main()
