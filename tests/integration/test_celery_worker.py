"""The Chorus steps through a real Celery worker on Redis (the production shape), not in-process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from chorus import services, tasks
from chorus.models import ChorusSubmission, SubmissionState
from chorus.simulator.models import SimInvoice
from geoprod.celery import app as celery_app
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
BROKER = (
    os.environ.get("REDIS_URL", "").rsplit("/", 1)[0] + "/15"
)  # a database of its own, emptied by the test


@pytest.fixture
def worker(simulator, settings, live_server, tmp_path):
    if not os.environ.get("REDIS_URL") or connection.vendor != "postgresql":
        pytest.skip("needs Redis (REDIS_URL) and PostgreSQL (DATABASE_URL), as in CI")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "settings",
        "DEBUG": "true",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": BROKER,
        "MEDIA_ROOT": settings.MEDIA_ROOT,
        "CHORUS_SIMULATOR_TOKEN_URL": settings.CHORUS_ENDPOINTS["simulator"]["token_url"],
        "CHORUS_SIMULATOR_API_BASE": settings.CHORUS_ENDPOINTS["simulator"]["api_base"],
    }
    subprocess.run(["redis-cli", "-u", BROKER, "flushdb"], check=True, capture_output=True)
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "geoprod", "worker", "--pool", "solo", "--loglevel", "INFO"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield process
    celery_app.conf.task_always_eager = previous
    process.terminate()
    process.wait(timeout=20)
    print(log.read_text(errors="replace")[-5000:])  # shown by pytest when the test fails


def _enqueue(task, *args) -> None:
    """Publishes on the test broker explicitly: the app's own connection pool may already point elsewhere."""
    with celery_app.connection_for_write(BROKER) as connection:
        task.apply_async(args=args, connection=connection)


def _wait_for(sub: ChorusSubmission, state: str, seconds: float = 30) -> ChorusSubmission:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        sub.refresh_from_db()
        if sub.state == state:
            return sub
        time.sleep(0.2)
    raise AssertionError(f"state {sub.state!r} after {seconds} s, expected {state!r}")


def test_deposit_and_submit_run_on_a_real_worker(worker, cabinet):
    account = factories.make_chorus_account(cabinet, ready=False)
    services.update_account(account=account)
    invoice = factories.make_invoice(cabinet, client=factories.make_public_client(cabinet), issued=True)
    sub = services.start_submission(invoice=invoice, account=account)

    _enqueue(tasks.deposit_invoice_pdf, sub.pk)
    sub = _wait_for(sub, SubmissionState.READY)
    assert sub.piece_jointe_id is not None

    services.lookup_recipient(submission=sub, siret=sub.destinataire_siret)
    sub.service_code = sub.destinataire_services[0]["code"]
    sub.save()
    _enqueue(tasks.submit_invoice, sub.pk)
    _enqueue(tasks.submit_invoice, sub.pk)  # a double click queues twice: still one invoice in Chorus
    sub = _wait_for(sub, SubmissionState.SUBMITTED)
    time.sleep(1)
    assert SimInvoice.objects.filter(numero=invoice.number).count() == 1
