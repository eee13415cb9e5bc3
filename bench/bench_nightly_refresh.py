"""Nightly Chorus Pro refresh of 10 000 submitted invoices against the simulator with 100 ms of latency:
API calls and wall time of the bulk refresh (paged supplier search), compared with consulting each invoice
one by one; then a second night where only some of them (5 % by default) changed status since the first:
its calls against the bound ⌈changed / page⌉ + 1 (the pages holding the changes, and the one that says
there is nothing more).

Usage (repo root): .venv/bin/python bench/bench_nightly_refresh.py [--invoices 10000] [--latency-ms 100]
                   [--changed-percent 5]
Uses a throwaway SQLite file (or test_<name> of DATABASE_URL) shared with a standalone simulator process.
The one-by-one figure is measured on a sample of consultations and extrapolated (10 000 × 100 ms is
over a quarter of an hour); the sample size is printed. Prints figures only.
"""

from __future__ import annotations

import argparse
import datetime
import os
import socket
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from _common import ROOT, setup_django

WORKDIR = Path(tempfile.mkdtemp(prefix="geoprod-bench-"))
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    os.environ["DATABASE_URL"] = f"sqlite:///{WORKDIR / 'bench.sqlite3'}"
else:
    os.environ["DATABASE_URL"] = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/geoprod_bench"

setup_django()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

SAMPLE = 100


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_database() -> None:
    if connection.vendor == "postgresql":
        with connection._nodb_cursor() as cursor:
            cursor.execute("DROP DATABASE IF EXISTS geoprod_bench")
            cursor.execute("CREATE DATABASE geoprod_bench")
    call_command("migrate", verbosity=0)


def populate(n: int):
    """n issued invoices already submitted: product rows and simulator rows written in bulk (no PDFs)."""
    from chorus import services
    from chorus.models import ChorusSubmission, SubmissionState
    from chorus.simulator import state
    from chorus.simulator.models import SimInvoice, SimStatusChange, SimStructure, SimTechnicalAccount
    from invoices.models import Invoice, InvoiceStatus
    from tests import factories

    state.ensure_seeded()
    cabinet = factories.make_cabinet()
    account = services.update_account(account=factories.make_chorus_account(cabinet, ready=False))
    client = factories.make_public_client(cabinet)
    supplier = SimStructure.objects.get(id_cpp=account.id_structure)
    recipient = SimStructure.objects.get(siret=client.siret)
    tech = SimTechnicalAccount.objects.get(login=account.login)
    deposited = state.now() - datetime.timedelta(days=1)
    amounts = dict(total_ht=Decimal("1000.00"), total_vat=Decimal("200.00"), total_ttc=Decimal("1200.00"))
    today = timezone.localdate()
    invoices = Invoice.objects.bulk_create(
        Invoice(cabinet=cabinet, client=client, number=f"B{i:06d}", status=InvoiceStatus.ISSUED, issue_date=today,
                due_date=today, net_to_pay=Decimal("1200.00"), **amounts)
        for i in range(n)
    )  # fmt: skip
    sims = SimInvoice.objects.bulk_create(
        SimInvoice(account=tech, supplier=supplier, recipient=recipient, numero=inv.number, mode_depot="DEPOT_PDF_API",
                   cadre="A1_FACTURE_FOURNISSEUR", type_facture="FACTURE", date_facture=today, deposited_at=deposited,
                   montant_ht=inv.total_ht, montant_tva=inv.total_vat, montant_ttc=inv.total_ttc,
                   montant_a_payer=inv.net_to_pay, outcome="NORMAL", status="DEPOSEE", status_at=deposited,
                   next_change_at=deposited + datetime.timedelta(minutes=5))
        for inv in invoices
    )  # fmt: skip
    SimStatusChange.objects.bulk_create(
        SimStatusChange(
            invoice=sim, code="DEPOSEE", at=deposited, comment="Facture déposée", actor="Chorus Pro"
        )
        for sim in sims
    )
    ChorusSubmission.objects.bulk_create(
        ChorusSubmission(cabinet=cabinet, invoice=inv, account=account, state=SubmissionState.SUBMITTED,
                         piece_jointe_id=1, identifiant_facture_cpp=sim.identifiant_cpp, submitted_at=deposited,
                         chorus_status="DEPOSEE", chorus_status_at=deposited, destinataire_siret=client.siret)
        for inv, sim in zip(invoices, sims, strict=True)
    )  # fmt: skip
    return account


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=10_000)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--changed-percent", type=float, default=5.0)
    args = parser.parse_args()

    prepare_database()
    port = free_port()
    env = {**os.environ, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "settings"}
    server = subprocess.Popen(
        [sys.executable, "manage.py", "chorus_simulator", "--port", str(port), "--quiet"], cwd=ROOT, env=env
    )
    try:
        base = f"http://127.0.0.1:{port}/_chorus-sim"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        settings.CHORUS_ENDPOINTS = {
            **settings.CHORUS_ENDPOINTS,
            "simulator": {"token_url": f"{base}/api/oauth/token", "api_base": f"{base}/cpro"},
        }
        run_bench(populate(args.invoices), args)
    finally:
        server.terminate()
        server.wait(timeout=10)


def run_bench(account, args) -> None:
    from chorus import services
    from chorus.models import ChorusSubmission
    from chorus.simulator import faults, state

    state.advance_clock(days=3)  # every invoice has moved on since its deposit
    state.reset(stats=True, faults=True)
    faults.latency(args.latency_ms)
    cache.clear()  # the token fetched while populating expired in the simulator's advanced time, as it would overnight

    start = time.perf_counter()
    run = services.refresh_account(account=account, now=state.now() + datetime.timedelta(seconds=1))
    bulk_seconds = time.perf_counter() - start
    moved = ChorusSubmission.objects.exclude(chorus_status="DEPOSEE").count()

    api = services.client_for(account)
    ids = list(ChorusSubmission.objects.values_list("identifiant_facture_cpp", flat=True)[:SAMPLE])
    start = time.perf_counter()
    for cpp_id in ids:
        api.consult_invoice(cpp_id)
    per_call = (time.perf_counter() - start) / len(ids)
    one_by_one_calls = args.invoices
    one_by_one_seconds = per_call * one_by_one_calls

    print(f"Nightly refresh of {args.invoices} submitted invoices, simulator latency {args.latency_ms} ms "
          f"({connection.vendor})")  # fmt: skip
    print(f"  bulk (paged supplier search): {run.api_calls} API calls, {bulk_seconds:.1f} s wall, "
          f"{run.checked} invoices seen, {run.updated} statuses updated ({moved} now past DEPOSEE), "
          f"succeeded={run.succeeded}")  # fmt: skip
    print(f"  one by one (consulter/fournisseur): {one_by_one_calls} API calls, "
          f"{one_by_one_seconds:.0f} s wall (extrapolated from {len(ids)} calls at {per_call * 1000:.0f} ms)")  # fmt: skip
    print(f"  calls ratio: {run.api_calls / one_by_one_calls:.2%} of the one-by-one way (goal ≤ 1 %)")
    print(f"  wall ratio: {bulk_seconds / one_by_one_seconds:.2%}")
    second_night(account, args)


def change_some(percent: float, at: datetime.datetime) -> int:
    """After the first night, nothing moves on its own any more; `percent` % of the invoices still moving in the
    product get a new Chorus status dated `at` (the buyer certified the service or issued the mandate)."""
    import random

    from chorus.models import ChorusSubmission, not_final
    from chorus.simulator.models import INVOICE_ID_BASE, SimInvoice, SimStatusChange

    SimInvoice.objects.update(next_change_at=None)
    total = ChorusSubmission.objects.count()
    moving = list(
        ChorusSubmission.objects.filter(not_final()).values_list("identifiant_facture_cpp", flat=True)
    )
    chosen = random.Random(13).sample(moving, min(len(moving), round(total * percent / 100)))
    following = {"MISE_A_DISPOSITION": "SERVICE_FAIT", "SERVICE_FAIT": "MANDATEE"}
    changes = []
    for sim in SimInvoice.objects.filter(pk__in=[cpp - INVOICE_ID_BASE for cpp in chosen]):
        sim.status = following.get(sim.status, "PRISE_EN_COMPTE_DESTINATAIRE")
        sim.status_at, sim.status_comment = at, "Changement de la deuxième nuit"
        changes.append(
            SimStatusChange(invoice=sim, code=sim.status, at=at, comment=sim.status_comment, actor="bench")
        )
    SimInvoice.objects.bulk_update([c.invoice for c in changes], ["status", "status_at", "status_comment"])
    SimStatusChange.objects.bulk_create(changes)
    return len(changes)


def second_night(account, args) -> None:
    from chorus import services
    from chorus.client.api import INVOICES_PAGE_SIZE
    from chorus.simulator import state

    changed = change_some(args.changed_percent, state.now() + datetime.timedelta(hours=2))
    state.advance_clock(days=1)
    state.reset(stats=True, faults=False)
    cache.clear()
    start = time.perf_counter()
    run = services.refresh_account(account=account, now=state.now() + datetime.timedelta(seconds=1))
    seconds = time.perf_counter() - start
    bound = -(-changed // INVOICES_PAGE_SIZE) + 1
    print(f"Second night: {changed} invoices changed since the first ({args.changed_percent:g} %), "
          f"page of {INVOICES_PAGE_SIZE}")  # fmt: skip
    print(f"  bulk: {run.api_calls} API calls, {seconds:.1f} s wall, {run.checked} invoices seen, "
          f"{run.updated} statuses updated, succeeded={run.succeeded}")  # fmt: skip
    print(f"  calls vs bound ⌈changed / page⌉ + 1 = {bound}: {run.api_calls} "
          f"({'within' if run.api_calls <= bound else 'OVER'} the bound)")  # fmt: skip


if __name__ == "__main__":
    main()
