"""Bulk « Envoyer » from the invoice list: a lot d'envoi where each invoice goes through its own checks, its own
deposit and its own exactly-once « Soumettre »; its progress page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from kombu.exceptions import OperationalError

from chorus import services, tasks
from chorus.models import ChorusSubmission, SendBatch, SubmissionState
from chorus.services import bulk
from clients.models import Category
from tests import factories
from tests.utils import body

pytestmark = pytest.mark.django_db

SEND = reverse("chorus:bulk-send")


def _send(http, invoices, **extra):
    return http.post(SEND, {"facture": [str(i.pk) for i in invoices], **extra})


def _batch(response) -> SendBatch:
    batch = SendBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    return batch


@pytest.fixture
def three(cabinet, mairie):
    return [factories.make_invoice(cabinet, client=mairie, issued=True) for _ in range(3)]


def test_the_list_offers_a_box_only_where_envoyer_makes_sense(
    client_as, comptable, chorus, cabinet, account, mairie
):
    sendable = factories.make_invoice(cabinet, client=mairie, issued=True)
    private = factories.make_invoice(
        cabinet, client=factories.make_client(cabinet, siret="", categorie=Category.PARTICULIER), issued=True
    )
    sent = factories.make_submission(factories.make_invoice(cabinet, client=mairie, issued=True), account)
    page = body(client_as(comptable).get("/factures/"))
    assert "Chorus Pro : Envoyer la sélection" in page
    assert f'name="facture" value="{sendable.pk}" form="chorus-bulk"' in page
    assert f'name="facture" value="{private.pk}"' not in page
    assert f'name="facture" value="{sent.invoice_id}"' not in page
    assert "title=\"Chorus Pro n'est proposé que pour un acheteur public" in page
    assert f'title="{bulk.ALREADY_SENT}"' in page


def test_no_bulk_column_without_a_chorus_account(client_as, comptable, cabinet, mairie):
    factories.make_invoice(cabinet, client=mairie, issued=True)
    page = body(client_as(comptable).get("/factures/"))
    assert "Envoyer la sélection" not in page and 'name="facture"' not in page


def test_sending_a_selection_deposits_each_and_stops_at_a_soumettre(
    client_as, comptable, chorus, account, three
):
    batch = _batch(_send(client_as(comptable), three))
    subs = ChorusSubmission.objects.filter(invoice__in=three)
    assert [s.state for s in subs] == [SubmissionState.READY] * 3
    assert chorus.calls["deposit_pdf"] == 3 and chorus.calls["submit"] == 0
    page = body(client_as(comptable).get(batch.get_absolute_url()))
    assert page.count("À soumettre") >= 3 and "Envoi terminé" in page
    assert all(invoice.number in page for invoice in three)


def test_submit_directly_submits_the_complete_ones_and_says_what_the_others_miss(
    client_as, comptable, chorus, cabinet, account, mairie
):
    earlier = factories.make_submission(
        factories.make_invoice(cabinet, client=mairie, issued=True), account, lookup=True, service_code="URBA"
    )
    services.submit_invoice(submission_id=earlier.pk)
    remembered = factories.make_invoice(cabinet, client=mairie, issued=True)
    lyon = factories.make_public_client(cabinet, nom="Commune de Lyon", siret="21690123100011")
    incomplete = factories.make_invoice(cabinet, client=lyon, issued=True)  # Lyon requires an engagement
    batch = _batch(_send(client_as(comptable), [remembered, incomplete], soumettre="1"))
    done = ChorusSubmission.objects.get(invoice=remembered)
    stopped = ChorusSubmission.objects.get(invoice=incomplete)
    assert done.is_submitted and done.service_code == "URBA"
    assert stopped.state == SubmissionState.READY
    assert chorus.calls["submit"] == 2  # the earlier one, and the complete one of the lot
    lines = {line.number: line for line in bulk.progress(batch)}
    assert lines[remembered.number].state == "Déposée" and lines[remembered.number].settled
    assert lines[incomplete.number].state == "À soumettre" and lines[incomplete.number].settled
    assert lines[incomplete.number].detail == "À compléter : Ce destinataire exige un numéro d'engagement."


def test_an_invoice_that_cannot_go_says_why_and_the_others_go_on(
    client_as, comptable, chorus, cabinet, account, mairie
):
    good = factories.make_invoice(cabinet, client=mairie, issued=True)
    private = factories.make_invoice(
        cabinet, client=factories.make_client(cabinet, siret="", categorie=Category.PARTICULIER), issued=True
    )
    batch = _batch(_send(client_as(comptable), [good, private]))
    lines = {line.number: line for line in bulk.progress(batch)}
    assert lines[good.number].state == "À soumettre"
    assert lines[private.number].state == "Non envoyée" and lines[private.number].failed
    assert "acheteur public" in lines[private.number].detail
    assert not ChorusSubmission.objects.filter(invoice=private).exists()


def test_a_draft_posted_by_hand_is_not_sent_and_can_still_be_deleted(
    client_as, comptable, chorus, cabinet, account, mairie
):
    draft = factories.make_invoice(cabinet, client=mairie)
    batch = _batch(_send(client_as(comptable), [draft]))
    (line,) = bulk.progress(batch)
    assert line.state == "Non envoyée" and "facture validée" in line.detail
    draft.delete()
    assert not batch.items.exists()


def test_an_invoice_already_sent_is_not_sent_again(client_as, comptable, chorus, cabinet, account, mairie):
    sub = factories.make_submission(factories.make_invoice(cabinet, client=mairie, issued=True), account)
    batch = _batch(_send(client_as(comptable), [sub.invoice]))
    assert chorus.calls["deposit_pdf"] == 1
    (line,) = bulk.progress(batch)
    assert line.detail == bulk.ALREADY_SENT and line.submission_url == sub.get_absolute_url()


def test_running_a_line_twice_submits_once(chorus, cabinet, account, mairie, comptable):
    earlier = factories.make_submission(
        factories.make_invoice(cabinet, client=mairie, issued=True), account, lookup=True, service_code="URBA"
    )
    services.submit_invoice(submission_id=earlier.pk)
    invoice = factories.make_invoice(cabinet, client=mairie, issued=True)
    batch = bulk.start_batch(
        cabinet=cabinet, user=comptable, invoices=[invoice], account=account, submit_when_complete=True
    )
    item = batch.items.get()
    bulk.send_item(item_id=item.pk)
    bulk.send_item(item_id=item.pk)  # a redelivered task
    assert chorus.calls["deposit_pdf"] == 2 and chorus.calls["submit"] == 2  # one each for `earlier` and this
    assert ChorusSubmission.objects.get(invoice=invoice).is_submitted


@pytest.mark.parametrize("count", [0, 101])
def test_an_empty_or_too_large_selection_is_refused_in_french(client_as, comptable, account, count):
    http = client_as(comptable)
    response = http.post(
        SEND, {"facture": [str(i) for i in range(1, count + 1)], "next": "/factures/?status=emise"}
    )
    assert response.status_code == 302 and response["Location"] == "/factures/?status=emise"
    page = body(http.get(response["Location"]))
    expected = (
        "Cochez au moins une facture" if count == 0 else "au plus 100 factures ; vous en avez coché 101"
    )
    assert expected in page and not SendBatch.objects.exists()


def test_an_unreadable_selection_is_refused_in_french(client_as, comptable, account):
    http = client_as(comptable)
    response = http.post(SEND, {"facture": ["abc"], "next": "https://ailleurs.example/"})
    assert response["Location"] == "/factures/"  # never sent elsewhere
    assert "Sélection illisible" in body(http.get("/factures/"))


def test_another_cabinet_s_invoice_or_lot_is_not_found(
    client_as, comptable, stranger, chorus, account, three, other_cabinet
):
    theirs = factories.make_invoice(
        other_cabinet, client=factories.make_public_client(other_cabinet), issued=True
    )
    assert _send(client_as(comptable), [three[0], theirs]).status_code == 404
    assert not SendBatch.objects.exists() and not ChorusSubmission.objects.exists()
    batch = _batch(_send(client_as(comptable), three[:1]))
    assert client_as(stranger).get(batch.get_absolute_url()).status_code == 404
    assert client_as(stranger).get(reverse("chorus:batch-status", args=[batch.pk])).status_code == 404


def test_sending_needs_a_post_with_csrf(client, comptable, account, three):
    client.force_login(comptable)
    assert client.get(SEND).status_code == 405
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(comptable)
    assert strict.post(SEND, {"facture": [str(three[0].pk)]}).status_code == 403
    assert not SendBatch.objects.exists()


def test_with_the_queue_down_it_is_a_french_503_and_no_line_waits_forever(
    client_as, comptable, chorus, account, three, monkeypatch
):
    def down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.send_batch_item, "delay", down)
    response = _send(client_as(comptable), three)
    assert response.status_code == 503 and "Service momentanément indisponible" in body(response)
    for sub in ChorusSubmission.objects.filter(invoice__in=three):
        assert sub.state == SubmissionState.NEW and "réessayez" in sub.last_error and not sub.deposit_pending
    lines = bulk.progress(SendBatch.objects.get())
    assert all(line.state == "PDF non déposé" and line.settled for line in lines)


def test_the_json_state_follows_the_lot(client_as, comptable, chorus, account, three, monkeypatch):
    monkeypatch.setattr(tasks.send_batch_item, "delay", lambda item_id: None)  # queued, not yet run
    http = client_as(comptable)
    batch = _batch(_send(http, three[:2]))
    state = http.get(reverse("chorus:batch-status", args=[batch.pk])).json()
    assert (
        state["done"] is False and [line["state"] for line in state["lines"]] == ["Dépôt du PDF en cours"] * 2
    )
    assert 'data-batch-status="' in body(http.get(batch.get_absolute_url()))
    for item in batch.items.all():
        bulk.send_item(item_id=item.pk)
    state = http.get(reverse("chorus:batch-status", args=[batch.pk])).json()
    assert state["done"] is True and [line["state"] for line in state["lines"]] == ["À soumettre"] * 2
    assert "data-batch-status" not in body(http.get(batch.get_absolute_url()))


def test_progress_page_queries_do_not_grow_with_the_lot(
    client_as, comptable, chorus, cabinet, account, mairie
):
    http = client_as(comptable)
    small = _batch(_send(http, [factories.make_invoice(cabinet, client=mairie, issued=True)]))
    with CaptureQueriesContext(connection) as few:
        assert http.get(small.get_absolute_url()).status_code == 200
    SendBatch.objects.all().delete()
    large = _batch(
        _send(http, [factories.make_invoice(cabinet, client=mairie, issued=True) for _ in range(6)])
    )
    with CaptureQueriesContext(connection) as many:
        page = body(http.get(large.get_absolute_url()))
    assert page.count('id="lot-ligne-') == 6
    assert len(many.captured_queries) == len(few.captured_queries)
