"""Invoice list page, with its filters and the search box: queries per page and latency through the
Django test client.

Usage (repo root):
  .venv/bin/python bench/bench_invoice_list.py                      10 000 invoices, one cabinet
  DATABASE_URL=postgres://… BENCH_CABINETS=10 BENCH_INVOICES=100000 .venv/bin/python bench/bench_invoice_list.py
      100 000 invoices in each of 10 cabinets (1 000 000 rows), seeded in SQL (PostgreSQL only)
BENCH_EXPLAIN=1 prints each invoice query's EXPLAIN ANALYZE execution time (=full: the plans).
Runs on a throwaway test database (in-memory SQLite, or test_<name> of DATABASE_URL). Prints figures
only; the goal is p95 < 100 ms with a number of queries that does not grow with the rows.
"""

from __future__ import annotations

import os
import statistics
import time

from _common import INVOICES, cabinet_with_invoices, setup_django, throwaway_db

setup_django()

from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.test import Client  # noqa: E402

RUNS = 60


def measure(http: Client, url: str) -> tuple[int, float, float]:
    executed = []

    def count(execute, sql, params, many, context):
        if sql.startswith("EXPLAIN "):  # BENCH_EXPLAIN's own, not the page's
            return execute(sql, params, many, context)
        executed.append(sql)
        if (
            os.environ.get("BENCH_EXPLAIN")
            and sql.lstrip().upper().startswith("SELECT")
            and "invoices_invoice" in sql
        ):
            # The query-level view (less sensitive than wall time to a shared machine's load): each
            # query's execution time, or its whole plan with BENCH_EXPLAIN=full.
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                plan = [str(row[0]) for row in cursor.fetchall()]
            if os.environ["BENCH_EXPLAIN"] == "full":
                print("\n".join(plan))
            else:
                print(f"    {plan[-1].strip():<28} {sql[:100]}")
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


def at_scale(cabinets: int, invoices: int):
    """`cabinets` cabinets of `invoices` invoices each, written in SQL; the user of the first one."""
    if connection.vendor != "postgresql":
        raise SystemExit("BENCH_CABINETS seeds in SQL for PostgreSQL : donnez DATABASE_URL=postgres://…")
    from _bulk import seed

    from tests import factories

    pairs = []
    for i in range(cabinets):
        cabinet = factories.make_cabinet(raison_sociale=f"Cabinet {i}")
        pairs.append((cabinet, factories.make_user(cabinet, username=f"bench{i}")))
    seconds = seed(pairs, invoices=invoices)
    return pairs[0][1], seconds, invoices * cabinets


def main() -> None:
    # Keep the connection open between requests, as production does with CONN_MAX_AGE (and as an
    # in-memory test database requires).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    cabinets = int(os.environ.get("BENCH_CABINETS", "0"))
    with throwaway_db():
        if cabinets:
            user, seconds, total = at_scale(cabinets, int(os.environ.get("BENCH_INVOICES", "100000")))
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
            queries, median, p95 = measure(http, url)
            print(f"{url:<44} {queries:>7} {median:>10.1f} {p95:>8.1f}")
        print(f"({RUNS} requests per page after one warm-up, Django test client, 25 rows per page)")


if __name__ == "__main__":
    main()
