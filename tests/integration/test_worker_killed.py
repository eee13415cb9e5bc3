"""kill -9 in the middle of a Chorus call, on real Redis and PostgreSQL, with beat running the sweeper: the
pool process alone, or the whole worker (then restarted, as the container's restart policy does). Without a
click, each deposit ends deposited and each submission ends submitted exactly once within the sweeper period
after the stale limit."""

from __future__ import annotations

import os
import signal
import time

import pytest

from chorus import services, tasks
from chorus.models import SubmissionState
from chorus.simulator import faults
from chorus.simulator.models import SimCall, SimInvoice
from tests.integration.celery_workers import wait_until
from tests.integration.test_faults_celery import _issued_invoices, _submissions, _wait_for_held_replies

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
STALE = 6  # seconds; above the tasks' hard time limit below, as in production (300 > 120)
SWEEP = 2
HELD = 10  # Chorus records the call, then holds its reply this long: the worker dies waiting for it
LIMITS = dict(
    CHORUS_STALE_CLAIM_SECONDS=str(STALE), CHORUS_SWEEP_SECONDS=str(SWEEP), CELERY_TASK_SOFT_TIME_LIMIT="4",
    CELERY_TASK_TIME_LIMIT="5", CHORUS_READ_TIMEOUT="30",
)  # fmt: skip
STEPS = {
    "deposit": (tasks.deposit_invoice_pdf, "deposer/pdf", SubmissionState.DEPOSITING, SubmissionState.READY),
    "submit": (tasks.submit_invoice, "soumettre", SubmissionState.SENDING, SubmissionState.SUBMITTED),
}


@pytest.fixture
def workers(workers):
    workers.env.update(LIMITS)
    return workers


@pytest.mark.parametrize("kill", ["pool process", "whole worker"])
@pytest.mark.parametrize("step", ["deposit", "submit"])
def test_killed_mid_call_ends_done_once_without_a_click(step, kill, workers, account, cabinet, monkeypatch):
    task, operation, running, done = STEPS[step]
    (invoice,) = _issued_invoices(cabinet, 1, monkeypatch)
    (sub,) = _submissions([invoice], account)
    if step == "submit":
        services.deposit_invoice_pdf(submission_id=sub.pk)
    workers.start_beat()
    faults.accept_then_timeout(seconds=HELD, operation=operation, count=1)
    worker = workers.start(pool="prefork", concurrency=1)
    workers.enqueue(task, sub.pk)

    def waiting_for_chorus():
        sub.refresh_from_db()
        held = SimCall.objects.filter(operation__endswith=operation, http_status=None).exists()
        return held and sub.state == running

    wait_until(
        waiting_for_chorus, 60, "the worker waiting for Chorus's reply", lambda: (sub.state, workers.tail())
    )
    if kill == "pool process":
        (pool_process,) = workers.pool_processes(worker)
        os.kill(pool_process, signal.SIGKILL)
    else:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    killed_at = time.monotonic()
    if kill == "whole worker":
        workers.start(pool="prefork", concurrency=1)  # the restart policy brings a worker back

    def finished():
        sub.refresh_from_db()
        return sub.state == done

    wait_until(finished, STALE + 4 * SWEEP + 20, f"{step} taken back", lambda: (sub.state, workers.tail()))
    elapsed = time.monotonic() - killed_at
    assert elapsed <= STALE + 2 * SWEEP + 5, elapsed  # the stale limit, one sweep, one task
    if step == "submit":
        assert SimInvoice.objects.filter(numero=invoice.number).count() == 1
        assert SimInvoice.objects.get(numero=invoice.number).identifiant_cpp == sub.identifiant_facture_cpp
        assert SimCall.objects.filter(operation__endswith="soumettre").count() == 1  # searched, not resent
    else:
        assert sub.piece_jointe_id is not None and not sub.last_error
    _wait_for_held_replies()
    print(
        f"\nkill -9 ({kill}) pendant {step} → {done.label} en {elapsed:.1f} s"
        f" (limite de reprise {STALE} s, balayage toutes les {SWEEP} s)"
    )
