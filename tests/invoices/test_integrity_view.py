"""Paramètres > Registre: « Vérifier l'intégrité » runs as a background task (in-process here) and shows its
progress, then its verdict naming the first bad document; admins only, each cabinet its own register."""

from __future__ import annotations

import pytest
from django.urls import reverse

from invoices.models import IntegrityCheck
from tests import factories

pytestmark = pytest.mark.django_db

URL = reverse("settings:integrity")


def test_an_admin_runs_the_check_and_reads_the_verdict(
    cabinet, admin, client_as, django_capture_on_commit_callbacks
):
    factories.make_invoice(cabinet, issued=True)
    web = client_as(admin)
    assert "Vérifier l'intégrité" in web.get(URL).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        web.post(URL)
    page = web.get(URL).content.decode()
    check = IntegrityCheck.objects.get(cabinet=cabinet)
    assert check.ok and check.checked == check.total == 1 and check.finished_at
    assert "Registre intègre : 1 pièce vérifiée" in page


def test_the_verdict_names_the_altered_document(
    cabinet, admin, client_as, django_capture_on_commit_callbacks
):
    invoice = factories.make_invoice(cabinet, issued=True)
    with open(invoice.pdf.path, "ab") as f:
        f.write(b"\n%falsifie")
    web = client_as(admin)
    with django_capture_on_commit_callbacks(execute=True):
        web.post(URL)
    page = web.get(URL).content.decode()
    assert f"Le PDF de la pièce {invoice.number} a été modifié" in page
    assert IntegrityCheck.objects.get(cabinet=cabinet).ok is False


def test_a_running_check_polls_its_progress(cabinet, admin, client_as):
    IntegrityCheck.objects.create(cabinet=cabinet, total=40, checked=10)
    web = client_as(admin)
    fragment = web.get(URL, HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "10 / 40 pièces (25 %)" in fragment
    assert "<html" not in fragment


def test_it_is_for_admins_of_the_cabinet_only(cabinet, other_cabinet, comptable, stranger, client_as):
    IntegrityCheck.objects.create(cabinet=cabinet, ok=False, message="Secret de Garonne")
    assert client_as(comptable).get(URL).status_code == 403
    assert client_as(comptable).post(URL).status_code == 403
    page = client_as(stranger).get(URL).content.decode()
    assert "Secret de Garonne" not in page
    assert not IntegrityCheck.objects.filter(cabinet=other_cabinet).exists()


def test_a_crashed_run_ends_instead_of_spinning(cabinet, monkeypatch):
    from invoices.services import ledger

    def crash(**kwargs):
        raise OSError("disque illisible")

    monkeypatch.setattr(ledger, "verify_ledger", crash)
    check = ledger.start_integrity_check(cabinet=cabinet)
    with pytest.raises(OSError):
        ledger.run_integrity_check(check_id=check.pk)
    check.refresh_from_db()
    assert not check.is_running and check.ok is False and "relancez" in check.message


def test_a_run_whose_worker_died_stops_polling(cabinet, admin, client_as):
    import datetime

    from django.utils import timezone

    IntegrityCheck.objects.create(cabinet=cabinet, started_at=timezone.now() - datetime.timedelta(hours=2))
    fragment = client_as(admin).get(URL, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment and "interrompue sans résultat" in fragment


def test_a_run_is_presumed_dead_just_after_the_task_hard_limit(cabinet, settings):
    import datetime

    from django.utils import timezone

    limit = datetime.timedelta(seconds=settings.CHORUS_REFRESH_TIME_LIMIT)
    within = IntegrityCheck.objects.create(cabinet=cabinet, started_at=timezone.now() - limit)
    killed = IntegrityCheck.objects.create(
        cabinet=cabinet, started_at=timezone.now() - limit - datetime.timedelta(minutes=2)
    )
    assert within.is_running and not within.is_stale
    assert killed.is_stale and not killed.is_running
