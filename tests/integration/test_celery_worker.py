"""The Chorus steps through a real Celery worker on Redis (the production shape), not in-process."""

from __future__ import annotations

import time

import pytest

from chorus import services, tasks
from chorus.models import ChorusSubmission, SubmissionState
from chorus.simulator.models import SimInvoice
from tests import factories
from tests.integration.celery_workers import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _wait_for(sub: ChorusSubmission, state: str, seconds: float = 30) -> ChorusSubmission:
    return wait_until(lambda: sub.refresh_from_db() or (sub if sub.state == state else None), seconds, state)


def test_deposit_and_submit_run_on_a_real_worker(workers, account, cabinet):
    workers.start(pool="solo", concurrency=1)
    invoice = factories.make_invoice(cabinet, client=factories.make_public_client(cabinet), issued=True)
    sub = services.start_submission(invoice=invoice, account=account)

    workers.enqueue(tasks.deposit_invoice_pdf, sub.pk)
    sub = _wait_for(sub, SubmissionState.READY)
    assert sub.piece_jointe_id is not None

    services.lookup_recipient(submission=sub, siret=sub.destinataire_siret)
    sub.service_code = sub.destinataire_services[0]["code"]
    sub.save()
    workers.enqueue(tasks.submit_invoice, sub.pk)
    workers.enqueue(tasks.submit_invoice, sub.pk)  # a double click queues twice: still one invoice in Chorus
    sub = _wait_for(sub, SubmissionState.SUBMITTED)
    time.sleep(1)
    assert SimInvoice.objects.filter(numero=invoice.number).count() == 1
