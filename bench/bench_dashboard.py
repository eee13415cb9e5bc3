"""Tableau de bord at 100 000 invoices in the cabinet (with its règlements, devis and Chorus submissions),
on PostgreSQL: queries per page and latency through the Django test client.

Usage (repo root): DATABASE_URL=postgres://… .venv/bin/python bench/bench_dashboard.py
  BENCH_INVOICES (default 100000) invoices for the measured cabinet; BENCH_OTHER_CABINETS (default 0)
  more cabinets of the same size beside it.
BENCH_EXPLAIN=1 prints each query's EXPLAIN ANALYZE execution time (=full: the plans).
Runs on a throwaway test database (test_<name> of DATABASE_URL). Prints figures only; the goal is
p95 < 150 ms with a number of queries that does not grow with the rows.
"""

from __future__ import annotations

import os

from _common import (
    keep_connection_open,
    measure_page,
    setup_django,
    throwaway_db,
)

setup_django()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

RUNS = 40


def main() -> None:
    keep_connection_open()
    invoices = int(os.environ.get("BENCH_INVOICES", "100000"))
    others = int(os.environ.get("BENCH_OTHER_CABINETS", "0"))
    with throwaway_db():
        if connection.vendor != "postgresql":
            raise SystemExit("Ce banc d'essai mesure PostgreSQL : donnez DATABASE_URL=postgres://…")
        from _bulk import seed

        from tests import factories

        cabinet = factories.make_cabinet(raison_sociale="Cabinet Banc d'essai")
        user = factories.make_user(cabinet, username="bench")
        pairs = [(cabinet, user)]
        for i in range(others):
            other = factories.make_cabinet(raison_sociale=f"Voisin {i}")
            pairs.append((other, factories.make_user(other, username=f"voisin{i}")))
        seconds = seed(pairs, invoices=invoices, extras_for=cabinet)
        print(
            f"{invoices} invoices x {len(pairs)} cabinet(s) + règlements, devis, Chorus written in {seconds:.1f} s"
        )
        http = Client()
        http.force_login(user)
        print(f"{'page':<44} {'queries':>7} {'median ms':>10} {'p95 ms':>8}")
        for url in ("/", "/?start=2025-01&end=2025-12", "/?start=2024-01&end=2026-12"):
            queries, median, p95 = measure_page(http, url, RUNS)
            print(f"{url:<44} {queries:>7} {median:>10.1f} {p95:>8.1f}")
        print(f"({RUNS} requests per page after one warm-up, Django test client)")


if __name__ == "__main__":
    main()
