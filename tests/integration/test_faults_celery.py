"""A bad day at Chorus Pro, through real Celery workers on Redis (the production shape).

- 200 invoices deposited and submitted while the simulator answers 5xx, 429, read timeouts, « accepted then
  timed out », expired tokens and malformed JSON: afterwards each is submitted exactly once in the simulator
  or shows a clear error with its retry action; using that action gets every one of them in, none twice.
- A worker killed (SIGKILL) while Chorus holds back the reply to a submission it has recorded: once a worker
  is back, the submission is reconciled with what Chorus has, not sent twice.
"""

from __future__ import annotations

import hashlib
import os
import signal
import time
from collections import Counter
from types import SimpleNamespace

import pytest
from django.forms.models import model_to_dict

from chorus import services, tasks
from chorus.models import DRAFT_FIELDS, ChorusSubmission, SubmissionState
from chorus.simulator import faults
from chorus.simulator.models import SimCall, SimInvoice
from geoprod.celery import app as celery_app
from tests import factories
from tests.integration.celery_workers import wait_until

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
READ_TIMEOUT = 1.5  # seconds, in the workers; the simulator's held-back replies last longer
HELD = 2.5


@pytest.fixture
def workers(workers):
    """The suite's workers, with short Chorus timeouts so that held-back replies become read timeouts."""
    workers.env.update(CHORUS_CONNECT_TIMEOUT="2", CHORUS_READ_TIMEOUT=str(READ_TIMEOUT))
    return workers


def _states():
    return Counter(ChorusSubmission.objects.values_list("state", "last_error"))


def _issued_invoices(cabinet, n: int, monkeypatch) -> list:
    """n issued invoices to the Mairie. Their PDF is a small stand-in (rendering 200 real ones would take a
    minute and is not what is tested here); the stored file and its hash are real."""
    from invoices import facturx_validation, pdf

    def small_pdf(invoice, **kw) -> bytes:
        return b"%PDF-1.4\n% facture " + invoice.number.encode() + b"\n%%EOF\n"

    monkeypatch.setattr(pdf, "render_invoice_pdf", small_pdf)
    monkeypatch.setattr(facturx_validation, "validate", lambda xml, **kw: SimpleNamespace(ok=True))
    mairie = factories.make_public_client(cabinet)
    invoices = [factories.make_invoice(cabinet, client=mairie, issued=True) for _ in range(n)]
    assert hashlib.sha256(invoices[0].pdf_bytes()).hexdigest() == invoices[0].pdf_sha256
    return invoices


def _submissions(invoices, account) -> list[ChorusSubmission]:
    """Started, with the recipient looked up once and its service chosen: what the screen does."""
    subs = [services.start_submission(invoice=invoice, account=account) for invoice in invoices]
    first = services.lookup_recipient(submission=subs[0], siret=subs[0].destinataire_siret)
    ChorusSubmission.objects.filter(pk__in=[s.pk for s in subs]).update(
        destinataire_designation=first.destinataire_designation,
        destinataire_id_structure=first.destinataire_id_structure,
        destinataire_rules=first.destinataire_rules,
        destinataire_services=first.destinataire_services,
        service_code="DGST",
    )
    return subs


def _settled(sub: ChorusSubmission) -> bool:
    """Done, or stopped on an error the screen shows; not in the middle of a call."""
    if sub.state == SubmissionState.SUBMITTED:
        return True
    return bool(sub.last_error) and sub.state in (
        SubmissionState.NEW,
        SubmissionState.READY,
        SubmissionState.UNKNOWN,
    )


def _wait_for_held_replies() -> None:
    """The live server's threads still sleeping on a held-back reply keep a database session open."""
    wait_until(lambda: not SimCall.objects.filter(http_status=None).exists(), 30, "held-back replies sent")


def _numbers_in_chorus() -> Counter:
    return Counter(SimInvoice.objects.values_list("numero", flat=True))


RETRY_ACTION = {
    SubmissionState.NEW: "Réessayer le dépôt du PDF",
    SubmissionState.UNKNOWN: "Vérifier et soumettre",
    SubmissionState.READY: "Soumettre",
}


def test_200_submissions_through_faults_none_lost_none_twice(workers, account, cabinet, client, monkeypatch):
    n = 200
    invoices = _issued_invoices(cabinet, n, monkeypatch)
    subs = _submissions(invoices, account)
    ids = [s.pk for s in subs]
    faults.server_error(503, share=0.06)
    faults.rate_limit(retry_after=1, share=0.05)
    faults.read_timeout(seconds=HELD, share=0.03)
    faults.malformed_json(share=0.03)
    faults.expire_token(count=12)
    faults.accept_then_timeout(seconds=HELD, operation="soumettre", share=0.08)
    for _ in range(2):
        workers.start(concurrency=8)
    started = time.monotonic()

    # Deposit every PDF; a deposit that failed stays « PDF non déposé » with its error (a retry is queued).
    workers.enqueue(tasks.deposit_invoice_pdf, *ids)

    def deposited():
        rows = list(ChorusSubmission.objects.filter(pk__in=ids))
        done = [
            s for s in rows if s.state == SubmissionState.READY or (s.state == "nouvelle" and s.last_error)
        ]
        return rows if len(done) == n else None

    rows = wait_until(deposited, 120, "every deposit done or failed", _states)
    ready = [s.pk for s in rows if s.state == SubmissionState.READY]
    workers.enqueue(tasks.submit_invoice, *ready)
    workers.enqueue(tasks.submit_invoice, *ready[:20])  # double clicks: queued twice
    queued = set(ready)

    def all_settled():
        """Every submission done or stopped on its error. A deposit whose queued retry succeeded meanwhile is
        « À soumettre » without error: it is submitted too, as the user would."""
        rows = list(ChorusSubmission.objects.filter(pk__in=ids))
        late = [
            s.pk for s in rows if s.state == SubmissionState.READY and not s.last_error and s.pk not in queued
        ]
        workers.enqueue(tasks.submit_invoice, *late)
        queued.update(late)
        return all(_settled(s) for s in rows)

    wait_until(all_settled, 180, "every submission settled", _states)
    workers.stop_all()
    faulted = {f.kind: f.fired for f in faults.SimFault.objects.all()}
    faults.clear()
    elapsed = time.monotonic() - started

    rows = {s.pk: s for s in ChorusSubmission.objects.filter(pk__in=ids).select_related("invoice")}
    in_chorus = _numbers_in_chorus()
    states = Counter(s.state for s in rows.values())
    duplicated = [number for number, count in in_chorus.items() if count > 1]
    print(
        f"\n{n} factures, {elapsed:.1f} s avec pannes {dict(faulted)} :"
        f" soumises {states[SubmissionState.SUBMITTED]}, envoi à vérifier {states[SubmissionState.UNKNOWN]},"
        f" à soumettre (erreur) {states[SubmissionState.READY]}, PDF non déposé {states[SubmissionState.NEW]},"
        f" dans le simulateur {sum(in_chorus.values())}, en double {len(duplicated)}"
    )
    assert not duplicated
    assert sum(faulted.values()) >= 20, faulted  # the faults did fire
    client.force_login(factories.make_user(cabinet))
    for sub in rows.values():
        assert _settled(sub), (sub.pk, sub.state, sub.last_error)
        number = sub.invoice.number
        if sub.state == SubmissionState.SUBMITTED:
            assert in_chorus[number] == 1, number
            assert SimInvoice.objects.get(numero=number).identifiant_cpp == sub.identifiant_facture_cpp
        else:  # a clear error and its retry action on the submission screen
            assert in_chorus[number] <= 1 and (in_chorus[number] == 0 or sub.state == SubmissionState.UNKNOWN)
            page = client.get(f"/chorus/envois/{sub.pk}/").content.decode()
            assert sub.last_error in page.replace("&#x27;", "'") and RETRY_ACTION[sub.state] in page, (
                sub.state
            )

    # The user uses the retry action of each one (in-process now, faults over): every invoice gets in once.
    celery_app.conf.task_always_eager = True
    for sub in rows.values():
        if sub.state == SubmissionState.NEW:
            client.post(f"/chorus/factures/{sub.invoice_id}/envoyer/")
            sub.refresh_from_db()
        if sub.state in (SubmissionState.READY, SubmissionState.UNKNOWN):
            data = {k: "" if v is None else v for k, v in model_to_dict(sub, fields=DRAFT_FIELDS).items()}
            client.post(f"/chorus/envois/{sub.pk}/soumettre/", data)
    _wait_for_held_replies()
    in_chorus = _numbers_in_chorus()
    assert ChorusSubmission.objects.filter(pk__in=ids, state=SubmissionState.SUBMITTED).count() == n
    assert len(in_chorus) == n and set(in_chorus.values()) == {1}
    print(
        f"après les actions de reprise : {n} soumises, {sum(in_chorus.values())} dans le simulateur, 0 en double"
    )


def test_worker_killed_mid_submit_is_reconciled_not_duplicated(workers, account, cabinet, monkeypatch):
    (invoice,) = _issued_invoices(cabinet, 1, monkeypatch)
    (sub,) = _submissions([invoice], account)
    services.deposit_invoice_pdf(submission_id=sub.pk)
    # Chorus records the invoice, then holds its reply long enough for the worker to die waiting for it.
    faults.accept_then_timeout(seconds=4, operation="soumettre", count=1)
    first = workers.start(pool="solo", concurrency=1, CHORUS_READ_TIMEOUT="30", CELERY_VISIBILITY_TIMEOUT="2")
    workers.enqueue(tasks.submit_invoice, sub.pk)

    def waiting_for_chorus():
        """Chorus took the call that the switch holds back (not, say, a 401 on a token cached by a previous
        worker, which the client renews before submitting)."""
        sub.refresh_from_db()
        held = SimCall.objects.filter(operation__endswith="soumettre", http_status=None).exists()
        fired = faults.SimFault.objects.filter(kind=faults.ACCEPT_THEN_TIMEOUT, fired=1).exists()
        return held and fired and sub.state == SubmissionState.SENDING

    wait_until(
        waiting_for_chorus, 30, "the worker waiting for Chorus's reply", lambda: (sub.state, workers.tail())
    )
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=10)
    _wait_for_held_replies()  # Chorus finishes its side: the invoice is recorded there, its reply lost
    calls = list(SimCall.objects.values_list("operation", "http_status"))
    assert SimInvoice.objects.filter(numero=invoice.number).count() == 1, (calls, workers.tail())
    sub.refresh_from_db()
    assert sub.state == SubmissionState.SENDING

    # Kept unacknowledged in Redis, the task is handed out again to the next worker once its visibility
    # timeout has passed; that worker finds a claim older than the stale limit and searches Chorus first.
    workers.start(pool="solo", concurrency=1, CELERY_VISIBILITY_TIMEOUT="2", CHORUS_STALE_CLAIM_SECONDS="1")

    def submitted():
        sub.refresh_from_db()
        return sub.state == SubmissionState.SUBMITTED

    wait_until(submitted, 60, "the killed submission reconciled")
    sim = SimInvoice.objects.get(numero=invoice.number)  # exactly one
    assert sim.identifiant_cpp == sub.identifiant_facture_cpp
    print(
        f"\nworker tué pendant « Soumettre » : rapprochée ({sub.identifiant_facture_cpp}), 1 facture dans Chorus"
    )
