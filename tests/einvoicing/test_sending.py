"""Transmitting a B2B invoice to the Plateforme Agréée exactly once: the Directory first, one flow per
invoice whatever happens (double click, lost reply, dead worker), readable refusals."""

from __future__ import annotations

import datetime
import json

import pytest
import responses
from django.utils import timezone

from einvoicing import client, sending
from einvoicing.models import EInvoice, EInvoiceState, PlatformAccount
from tests import factories
from tests.einvoicing.afnor_contract import DIRECTORY_BASE, FLOW_BASE, TOKEN_URL

pytestmark = pytest.mark.django_db

FLOWS = f"{FLOW_BASE}/v1/flows"
SEARCH = f"{FLOW_BASE}/v1/flows/search"
LINES = f"{DIRECTORY_BASE}/v1/directory-line/search"
SIREN = "552100554"


@pytest.fixture
def account(cabinet):
    account = PlatformAccount(
        cabinet=cabinet,
        name="PA",
        flow_url=FLOW_BASE,
        directory_url=DIRECTORY_BASE,
        token_url=TOKEN_URL,
        client_id="c",
    )
    account.set_client_secret("s")
    account.save()
    return account


@pytest.fixture
def invoice(cabinet):
    company = factories.make_client(
        cabinet, categorie="entreprise", siret=f"{SIREN}00013", nom="SCI Les Tilleuls"
    )
    return factories.make_invoice(cabinet, client=company, issued=True)


def directory(afnor, *addresses):
    afnor.add(
        responses.POST,
        LINES,
        json={
            "results": [
                {
                    "addressingIdentifier": a,
                    "siren": SIREN,
                    "platform": {"platformType": "WK", "platformStatus": "Enabled"},
                }
                for a in addresses
            ]
        },
    )


def accepted(invoice):
    return {
        "flowId": "flow-1",
        "submittedAt": "2026-12-02T10:00:00.000Z",
        "flowSyntax": "Factur-X",
        "trackingId": invoice.number,
    }


def sends(afnor) -> int:
    return len([c for c in afnor.calls if c.request.url == FLOWS])


def test_the_factur_x_goes_once_with_the_invoice_number_as_tracking_id(invoice, account, pa, afnor):
    directory(afnor, SIREN)
    afnor.add(responses.POST, FLOWS, json=accepted(invoice), status=202)
    einvoice = sending.start(invoice=invoice, account=account)
    done = sending.send(einvoice_id=einvoice.pk, pa=pa)
    assert (done.state, done.flow_id, done.buyer_address) == (EInvoiceState.SENT, "flow-1", SIREN)
    assert (
        b"Factur-X" in afnor.calls[-1].request.body
        and invoice.number.encode() in afnor.calls[-1].request.body
    )
    sending.send(einvoice_id=einvoice.pk, pa=pa)  # a second click, a replayed task
    assert sends(afnor) == 1


def test_a_lost_reply_is_looked_up_before_any_resend(invoice, account, pa, afnor):
    directory(afnor, SIREN)
    afnor.add(responses.POST, FLOWS, status=502, json={"errorCode": "BAD_GATEWAY"})
    einvoice = sending.start(invoice=invoice, account=account)
    with pytest.raises(client.PlatformUnavailable):
        sending.send(einvoice_id=einvoice.pk, pa=pa)
    assert EInvoice.objects.get().state == EInvoiceState.UNKNOWN
    afnor.add(
        responses.POST,
        SEARCH,
        json={
            "limit": 100,
            "results": [
                {
                    **accepted(invoice),
                    "updatedAt": "2026-12-02T10:00:01Z",
                    "flowDirection": "Out",
                    "acknowledgement": {"status": "Ok"},
                }
            ],
        },
    )
    done = sending.send(einvoice_id=einvoice.pk, pa=pa)
    assert done.state == EInvoiceState.SENT and done.flow_id == "flow-1" and done.ack_status == "Ok"
    assert sends(afnor) == 1
    assert json.loads(afnor.calls[-1].request.body)["where"] == {
        "trackingId": invoice.number,
        "flowDirection": ["Out"],
    }


def test_a_lost_reply_that_never_arrived_is_sent_again_once(invoice, account, pa, afnor):
    directory(afnor, SIREN)
    afnor.add(responses.POST, FLOWS, status=503)
    einvoice = sending.start(invoice=invoice, account=account)
    with pytest.raises(client.PlatformUnavailable):
        sending.send(einvoice_id=einvoice.pk, pa=pa)
    afnor.add(responses.POST, SEARCH, json={"limit": 100, "results": []})
    afnor.replace(responses.POST, FLOWS, json=accepted(invoice), status=202)
    assert sending.send(einvoice_id=einvoice.pk, pa=pa).state == EInvoiceState.SENT
    assert sends(afnor) == 2


def test_a_claim_held_by_a_live_worker_is_left_alone_and_a_dead_ones_is_taken_over(
    invoice, account, pa, afnor
):
    einvoice = sending.start(invoice=invoice, account=account)
    EInvoice.objects.filter(pk=einvoice.pk).update(state=EInvoiceState.SENDING, sending_since=timezone.now())
    assert sending.send(einvoice_id=einvoice.pk, pa=pa).state == EInvoiceState.SENDING
    assert not afnor.calls
    EInvoice.objects.filter(pk=einvoice.pk).update(sending_since=timezone.now() - datetime.timedelta(hours=1))
    afnor.add(responses.POST, SEARCH, json={"limit": 100, "results": []})
    directory(afnor, SIREN)
    afnor.add(responses.POST, FLOWS, json=accepted(invoice), status=202)
    assert sending.send(einvoice_id=einvoice.pk, pa=pa).state == EInvoiceState.SENT


def test_a_buyer_absent_from_the_directory_is_said_in_french_and_nothing_leaves(invoice, account, pa, afnor):
    directory(afnor)
    einvoice = sending.start(invoice=invoice, account=account)
    done = sending.send(einvoice_id=einvoice.pk, pa=pa)
    assert done.state == EInvoiceState.ERROR and "n'est pas inscrit à l'annuaire" in done.last_error
    assert sends(afnor) == 0


def test_a_refusal_keeps_the_platforms_reason(invoice, account, pa, afnor):
    directory(afnor, SIREN)
    afnor.add(
        responses.POST,
        FLOWS,
        status=400,
        json={"errorCode": "FileSizeExceeded", "errorMessage": "trop gros"},
    )
    einvoice = sending.start(invoice=invoice, account=account)
    done = sending.send(einvoice_id=einvoice.pk, pa=pa)
    assert done.state == EInvoiceState.ERROR and "FileSizeExceeded : trop gros" in done.last_error
    assert "faites un avoir" in done.last_error


def test_only_b2b_invoices_go_to_the_platform(cabinet, account):
    person = factories.make_client(cabinet, categorie="particulier", siret="")
    with pytest.raises(sending.NotSendable, match="e-reporting"):
        sending.start(invoice=factories.make_invoice(cabinet, client=person, issued=True), account=account)
    with pytest.raises(sending.NotSendable, match="Paramètres > Facturation électronique"):
        sending.start(invoice=factories.make_invoice(cabinet, client=person, issued=True), account=None)


def test_the_acknowledgement_in_error_is_shown(invoice, account, pa, afnor):
    directory(afnor, SIREN)
    afnor.add(responses.POST, FLOWS, json=accepted(invoice), status=202)
    einvoice = sending.send(einvoice_id=sending.start(invoice=invoice, account=account).pk, pa=pa)
    afnor.add(
        responses.GET,
        f"{FLOWS}/flow-1",
        json={
            "flowId": "flow-1",
            "acknowledgement": {
                "status": "Error",
                "details": [
                    {
                        "level": "Error",
                        "item": "BT-49",
                        "reasonCode": "InvalidSchema",
                        "reasonMessage": "BR-FR-12",
                    }
                ],
            },
        },
    )
    einvoice = sending.refresh(einvoice=einvoice, pa=pa)
    assert einvoice.ack_label == "refusé" and "InvalidSchema : BR-FR-12" in einvoice.last_error


def test_the_invoice_page_transmits(
    invoice, account, comptable, client_as, monkeypatch, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from einvoicing import tasks

    queued = []
    monkeypatch.setattr(tasks.send_einvoice, "delay", queued.append)
    web = client_as(comptable)
    assert "Transmettre à la plateforme agréée" in web.get(invoice.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        web.post(reverse("einvoicing:einvoice-send", args=[invoice.pk]))
    assert queued == [EInvoice.objects.get(invoice=invoice).pk]
