"""« Relances du jour » at scale: its four lists (to handle, sent today, what the plan would send, holds), each
paginated, over a cabinet whose overdue invoices number in the thousands.

Usage (repo root):
  .venv/bin/python bench/bench_reminders.py                          10 000 invoices, one cabinet (SQLite)
  DATABASE_URL=postgres://… BENCH_CABINETS=10 BENCH_INVOICES=100000 .venv/bin/python bench/bench_reminders.py
      100 000 invoices in each of 10 cabinets (1 000 000 rows), seeded in SQL (PostgreSQL only)
BENCH_EXPLAIN=1 prints each query's EXPLAIN ANALYZE execution time (=full: the plans).
Runs on a throwaway test database. Prints figures only: queries per page (constant), median and p95.
"""

from __future__ import annotations

import os

from _common import cabinet_with_invoices, keep_connection_open, measure_page, setup_django, throwaway_db

setup_django()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

RUNS = 20


def main() -> None:
    keep_connection_open()
    cabinets = int(os.environ.get("BENCH_CABINETS", "0"))
    with throwaway_db():
        if cabinets:
            from _bulk import seed_cabinets

            pairs, seconds = seed_cabinets(cabinets, invoices=int(os.environ.get("BENCH_INVOICES", "100000")))
            cabinet, user = pairs[0]
        else:
            cabinet, user, seconds = cabinet_with_invoices()
        from django.utils import timezone

        from invoices.models import OPEN_STATUSES, Invoice

        overdue = Invoice.objects.filter(
            cabinet=cabinet, status__in=OPEN_STATUSES, due_date__lt=timezone.localdate()
        ).count()
        print(
            f"{overdue} overdue invoices in the measured cabinet, written in {seconds:.1f} s ({connection.vendor})"
        )
        http = Client()
        http.force_login(user)
        print(f"{'page':<44} {'queries':>7} {'median ms':>10} {'p95 ms':>8}")
        http.get("/factures/relances/")  # the process's first request reads what later ones find cached
        for url in ("/factures/relances/", "/factures/relances/?prevues=40"):
            queries, median, p95 = measure_page(http, url, RUNS)
            print(f"{url:<44} {queries:>7} {median:>10.1f} {p95:>8.1f}")
        print(
            f"({RUNS} requests per page after one warm-up, Django test client; the plan is off, so the page"
        )
        print(" previews what it would send, which reads every overdue invoice of the cabinet)")


if __name__ == "__main__":
    main()
