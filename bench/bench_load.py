"""Load test with wrk (Debian) against gunicorn on PostgreSQL holding 10 000 invoices: requests/s and p95
of the invoice list and of an invoice page. Loopback only; prints figures, asserts nothing.

Usage (repo root, PostgreSQL on 127.0.0.1:5432 as in CI): .venv/bin/python bench/bench_load.py
Options through the environment: PORT (8790), WORKERS (gunicorn workers, 2), DURATION (s, 10),
CONNECTIONS (8). Installs Debian's wrk when missing (as root). Uses a database of its own, geoprod_bench, dropped after.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("PORT", "8790"))
WORKERS = int(os.environ.get("WORKERS", "2"))
DURATION = int(os.environ.get("DURATION", "10"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "8"))
DB = "geoprod_bench"
BASE = f"http://127.0.0.1:{PORT}"
REPORT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT rps=%.1f p50=%.1f p95=%.1f p99=%.1f requests=%d errors=%d\\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, summary.requests, errors))
end
"""


def psql(sql: str) -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True, capture_output=True)


def production_env(run_dir: Path) -> dict[str, str]:
    """docker-compose.yml's environment, on loopback HTTP (no TLS in front here)."""
    return {
        "DJANGO_SETTINGS_MODULE": "settings",
        "DEBUG": "false",
        "SECRET_KEY": "bench-load-" + os.urandom(24).hex(),
        "FERNET_KEYS": "Z2VvcHJvZC1iZW5jaC1vbmx5LWZlcm5ldC1rZXktMDA=",
        "ALLOWED_HOSTS": "127.0.0.1",
        "GEOPROD_DEMO": "true",  # the demo cabinets talk to the embedded simulator
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/12"),
        "MEDIA_ROOT": str(run_dir / "media"),
        "STATIC_ROOT": str(run_dir / "static"),
        "LOG_LEVEL": "WARNING",
    }


def load_data() -> tuple[int, str]:
    """10 000 invoices (the benches' bulk load) and one real issued invoice with its PDF."""
    from _common import INVOICES, cabinet_with_invoices, setup_django

    setup_django()

    from tests import factories

    cabinet, user, seconds = cabinet_with_invoices()
    invoice = factories.make_invoice(
        cabinet,
        [("Bornage amiable", "1", "1300.00", "20.00"), ("Plan topographique", "2", "450.00", "20.00")],
        issued=True,
    )
    print(f"{INVOICES} factures chargées en {seconds:.1f} s (PostgreSQL)")
    return invoice.pk, user.username


def wrk(url: str, cookie: str, script: Path) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}s", "-s", str(script), "-H", f"Cookie: {cookie}", url],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    found = re.search(r"RESULT (.*)", out)
    return {k: float(v) for k, v in (pair.split("=") for pair in found.group(1).split())}


def main() -> None:
    if not shutil.which("wrk") and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "wrk"], check=False)
    if not shutil.which("wrk"):
        raise SystemExit("wrk est absent : apt-get install -y --no-install-recommends wrk")
    run_dir = Path(tempfile.mkdtemp(prefix="geoprod-bench-"))
    psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    psql(f"CREATE DATABASE {DB}")
    os.environ.update(production_env(run_dir))
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, check=True)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, check=True)
    invoice_pk, username = load_data()

    gunicorn = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "geoprod.wsgi", "--bind", f"127.0.0.1:{PORT}", "--workers", str(WORKERS)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=(run_dir / "gunicorn.log").open("wb"),
    )  # fmt: skip
    try:
        session = requests.Session()
        deadline = time.monotonic() + 30
        while True:
            try:
                session.get(f"{BASE}/connexion/", timeout=2).raise_for_status()
                break
            except requests.RequestException:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        login = session.post(
            f"{BASE}/connexion/",
            {"csrfmiddlewaretoken": session.cookies["csrftoken"], "username": username, "password": "motdepasse-de-test"},
        )  # fmt: skip
        assert "/connexion/" not in login.url, "connexion refusée"
        cookie = f"sessionid={session.cookies['sessionid']}"
        script = run_dir / "report.lua"
        script.write_text(REPORT)
        print(
            f"gunicorn {WORKERS} workers (sync), PostgreSQL, DEBUG=false ; wrk 2 threads, {CONNECTIONS} connexions,"
            f" {DURATION} s par page ; {os.cpu_count()} CPU partagés par wrk, gunicorn et PostgreSQL"
        )
        print(
            f"{'page':<28} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'requêtes':>9} {'erreurs':>8}"
        )
        for label, path in (
            ("liste des factures", "/factures/"),
            ("page d'une facture", f"/factures/{invoice_pk}/"),
        ):
            for _ in range(10):  # warm-up: connections, templates, caches
                assert session.get(BASE + path).status_code == 200, path
            r = wrk(BASE + path, cookie, script)
            print(
                f"{label:<28} {r['rps']:>8.1f} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['p99']:>8.1f}"
                f" {int(r['requests']):>9} {int(r['errors']):>8}"
            )
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=20)
        from django.db import connections

        connections.close_all()
        psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        shutil.rmtree(run_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
