"""Importing a CAMT.053 statement against 10 000 open invoices: parse + identity check + matching + insert.

Usage (repo root): .venv/bin/python bench/bench_bank_import.py
Runs on a throwaway test database (in-memory SQLite, or test_<name> of DATABASE_URL). Prints the time and the
number of queries for 1 000 and 5 000 lines; goal: 5 000 lines under 10 s, queries not growing with the lines.
(SQLite splits a bulk insert into batches of 999 parameters, so there the count grows by one query per batch;
PostgreSQL inserts all the lines at once.)
"""

from __future__ import annotations

import datetime
import random
import time
from decimal import Decimal

from _common import setup_django, throwaway_db

setup_django()

from django.db import connection  # noqa: E402

OPEN_INVOICES, CLIENTS = 10_000, 2_000
SYLLABLES = "ba be bi bo cha che co da de do fa fe ga go la le lo ma me mi mo na ne no pa pe po ra re ri ro sa se".split()


def client_name(i: int) -> str:
    n = len(SYLLABLES)
    a, b, c = SYLLABLES[i % n], SYLLABLES[(i // n) % n], SYLLABLES[(i // n // n) % n]
    return f"SCI {a}{b}{c}".upper() + ("T" if i % 2 else "RD")


def populate():
    from clients.models import Client
    from invoices.models import BankAccount, Invoice, InvoiceStatus
    from tests import factories

    cabinet = factories.make_cabinet(raison_sociale="Cabinet Banc d'essai")
    clients = Client.objects.bulk_create(
        [Client(cabinet=cabinet, nom=client_name(i), ville="Toulouse") for i in range(CLIENTS)],
        batch_size=500,
    )
    day = datetime.date(2026, 9, 1)
    rows = []
    for i in range(OPEN_INVOICES):
        ttc = Decimal(600 + (i * 7919) % 4999) + Decimal(i % 97) / 100
        rows.append(
            Invoice(
                cabinet=cabinet,
                client=clients[i % CLIENTS],
                objet="Bornage",
                status=InvoiceStatus.ISSUED,
                number=f"F2609-{i + 1:05d}",
                issue_date=day,
                due_date=day + datetime.timedelta(days=30),
                total_ht=ttc,
                total_vat=Decimal("0.00"),
                total_ttc=ttc,
                net_to_pay=ttc,
            )
        )
    invoices = Invoice.objects.bulk_create(rows, batch_size=1000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    accounts = [BankAccount.objects.create(cabinet=cabinet, label=f"Compte {n}") for n in (1, 2)]
    return cabinet, invoices, accounts


def statement(invoices, lines: int, seed: int) -> bytes:
    """A realistic mix: the number in the label, the client's name with the amount, two invoices at once,
    the amount alone, and lines nobody can recognise."""
    from tests.bank_samples import Entry, camt053

    rng = random.Random(seed)
    pool = rng.sample(invoices, k=min(len(invoices), lines * 2))
    entries = []
    for n in range(lines):
        a, b = pool[2 * n], pool[2 * n + 1]
        kind = n % 10
        if kind < 4:
            entry = Entry(a.net_to_pay, f"VIR FACTURE {a.number}")
        elif kind < 6:
            entry = Entry(a.net_to_pay, "VIREMENT", debtor=a.client.nom)
        elif kind < 7:
            entry = Entry(a.net_to_pay + b.net_to_pay, f"REGLEMENT {a.number} {b.number}")
        elif kind < 8:
            entry = Entry(a.net_to_pay, f"VIR SEPA {rng.randint(10**6, 10**7)}")
        else:
            entry = Entry(Decimal(rng.randint(100, 99999)) / 100, f"REMISE {rng.randint(1, 10**6)}")
        entries.append(Entry(entry.amount, entry.label, debtor=entry.debtor, ref=f"S{seed}-{n:06d}"))
    return camt053(entries, msg_id=f"BENCH-{seed}")


def measure(cabinet, account, data: bytes) -> tuple[float, int, object]:
    from invoices.services import bank

    executed = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        result = bank.import_statement(
            cabinet=cabinet, account=account, filename="bench.xml", data=data, fmt="camt053"
        )
        elapsed = time.perf_counter() - started
    return elapsed, len(executed), result


def main() -> None:
    with throwaway_db():
        started = time.perf_counter()
        cabinet, invoices, accounts = populate()
        print(
            f"{connection.vendor}: {OPEN_INVOICES} open invoices, {CLIENTS} clients loaded in "
            f"{time.perf_counter() - started:.1f} s"
        )
        from invoices.models import Invoice

        invoices = list(Invoice.objects.filter(cabinet=cabinet).select_related("client"))
        for lines, account, seed in ((1_000, accounts[0], 1), (5_000, accounts[1], 2)):
            data = statement(invoices, lines, seed)
            elapsed, queries, result = measure(cabinet, account, data)
            confidences = {}
            for c in result.statement.lines.values_list("confidence", flat=True):
                confidences[c or "aucune"] = confidences.get(c or "aucune", 0) + 1
            print(
                f"{lines:>5} lines ({len(data) / 1e6:.1f} MB): import + matching {elapsed:.2f} s, "
                f"{queries} queries; proposals {dict(sorted(confidences.items()))}"
            )


if __name__ == "__main__":
    main()
