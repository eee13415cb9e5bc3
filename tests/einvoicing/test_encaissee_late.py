"""« Encaissée » (212) for a règlement recorded before the invoice reached the Plateforme Agréée: nothing while
the PA does not know the invoice, then, once it acknowledges the flow Ok, one status per allocation, with the
amounts and the tracking id a payment after the transmission would have had; never twice, never for a flow
in Error, the débits option or a contre-passé payment."""

from __future__ import annotations

import datetime

import pytest
import responses
from django.utils import timezone

from einvoicing import cdar, lifecycle_in, sending
from einvoicing.models import EInvoice, EInvoiceState, OutgoingStatus, OutgoingStatusState
from invoices import services as invoicing
from invoices import vat
from tests import factories
from tests.einvoicing.afnor_contract import DIRECTORY_BASE, FLOW_BASE, TOKEN_URL
from tests.einvoicing.test_encaissee import SIREN, men

pytestmark = pytest.mark.django_db

SEARCH = f"{FLOW_BASE}/v1/flows/search"
FLOW_ID = "flow-inv-1"


@pytest.fixture
def account(cabinet):
    return factories.make_platform_account(
        cabinet, flow_url=FLOW_BASE, directory_url=DIRECTORY_BASE, token_url=TOKEN_URL
    )


@pytest.fixture
def invoice(cabinet):
    company = factories.make_client(
        cabinet, categorie="entreprise", siret=f"{SIREN}00013", nom="SCI Les Tilleuls"
    )
    lines = [("Bornage", "1", "1000.00", "20.00"), ("Plan topographique", "1", "500.00", "10.00")]
    return factories.make_invoice(cabinet, lines, client=company, issued=True)  # 1 750,00 € TTC


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Runs `action` as its own transaction would: what it queues on commit is queued."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


def transmit(invoice) -> EInvoice:
    """What `sending.send` leaves behind: the flow deposited, its acknowledgement still awaited."""
    return EInvoice.objects.create(
        cabinet=invoice.cabinet,
        invoice=invoice,
        state=EInvoiceState.SENT,
        flow_id=FLOW_ID,
        submitted_at=timezone.now() - datetime.timedelta(hours=1),
        ack_status="Pending",
        buyer_address=SIREN,
    )


def acknowledge(afnor, account, pa, run, invoice, ack="Ok"):
    """The periodic lifecycle refresh reads the flow's acknowledgement at the PA."""
    body = {
        "flowId": FLOW_ID,
        "trackingId": invoice.number,
        "submittedAt": "2026-12-02T09:00:00.000Z",
        "updatedAt": "2026-12-02T09:00:05.000Z",
        "flowSyntax": "Factur-X",
        "flowType": "CustomerInvoice",
        "flowDirection": "Out",
        "acknowledgement": {"status": ack},
    }
    if ack == "Error":
        body["acknowledgement"]["details"] = [
            {"level": "Error", "item": "BT-49", "reasonCode": "InvalidSchema", "reasonMessage": "BR-FR-12"}
        ]
    afnor.add(responses.POST, SEARCH, json={"limit": 100, "filters": {}, "results": [body]})
    return run(lifecycle_in.refresh_account, account, pa=pa)


def test_a_payment_before_transmission_gets_its_encaissee_once_the_flow_is_acknowledged(
    invoice, account, queued, pa, afnor, run
):
    first = run(factories.make_payment, invoice, "333.33")
    second = run(factories.make_payment, invoice, "100.00")
    assert not OutgoingStatus.objects.exists()
    transmit(invoice)  # sent, but not yet accepted by the PA: still nothing
    assert not OutgoingStatus.objects.exists() and queued == []

    acknowledge(afnor, account, pa, run, invoice)

    early, late = OutgoingStatus.objects.order_by("id")
    assert [(s.code, s.invoice, s.allocation) for s in (early, late)] == [
        (212, invoice, first.allocations.get()),
        (212, invoice, second.allocations.get()),
    ]
    assert early.tracking_id == f"ENC-{first.allocations.get().pk}"
    assert late.tracking_id == f"ENC-{second.allocations.get().pk}"
    # 333,33 × 1 200 / 1 750 = 228,57, the last rate the rest; as if paid after the transmission
    assert men(early) == [("20.00", "228.57"), ("10.00", "104.76")]
    assert men(late) == [("20.00", "68.57"), ("10.00", "31.43")]
    assert early.invoice_flow_id == FLOW_ID and early.comment == f"Règlement du {first.date:%d/%m/%Y}"
    assert cdar.validate(bytes(early.xml)) == [] and cdar.validate(bytes(late.xml)) == []
    assert queued == [early.pk, late.pk]


def test_an_acknowledgement_read_again_sends_nothing_more(invoice, account, queued, pa, afnor, run):
    run(factories.make_payment, invoice)
    einvoice = transmit(invoice)
    acknowledge(afnor, account, pa, run, invoice)
    acknowledge(afnor, account, pa, run, invoice)  # the search's overlap returns the flow again
    afnor.add(
        responses.GET,
        f"{FLOW_BASE}/v1/flows/{FLOW_ID}",
        json={"flowId": FLOW_ID, "acknowledgement": {"status": "Ok"}},
    )
    run(sending.refresh, einvoice=einvoice, pa=pa)  # « Actualiser le suivi » reads it once more
    status = OutgoingStatus.objects.get()
    assert queued == [status.pk] and men(status) == [("20.00", "1200.00"), ("10.00", "550.00")]


def test_checking_the_acknowledgement_of_the_flow_sends_what_is_owed(
    invoice, account, queued, pa, afnor, run
):
    payment = run(factories.make_payment, invoice, "500.00")
    einvoice = transmit(invoice)
    afnor.add(
        responses.GET,
        f"{FLOW_BASE}/v1/flows/{FLOW_ID}",
        json={"flowId": FLOW_ID, "acknowledgement": {"status": "Ok"}},
    )
    run(sending.refresh, einvoice=einvoice, pa=pa)
    status = OutgoingStatus.objects.get()
    assert status.allocation == payment.allocations.get() and queued == [status.pk]


def test_a_flow_acknowledged_in_error_gets_no_encaissee(invoice, account, queued, pa, afnor, run):
    run(factories.make_payment, invoice)
    einvoice = transmit(invoice)
    acknowledge(afnor, account, pa, run, invoice, ack="Error")
    afnor.add(
        responses.GET,
        f"{FLOW_BASE}/v1/flows/{FLOW_ID}",
        json={"flowId": FLOW_ID, "acknowledgement": {"status": "Error"}},
    )
    run(sending.refresh, einvoice=einvoice, pa=pa)
    assert EInvoice.objects.get().ack_status == "Error"
    assert not OutgoingStatus.objects.exists() and queued == []


def test_the_debits_option_gets_no_encaissee_after_the_acknowledgement(
    cabinet, account, queued, pa, afnor, run
):
    company = factories.make_client(cabinet, categorie="entreprise", siret=f"{SIREN}00013", nom="SCI")
    invoice = factories.make_invoice(cabinet, client=company, issued=True, vat_regime=vat.DEBITS)
    run(factories.make_payment, invoice)
    transmit(invoice)
    acknowledge(afnor, account, pa, run, invoice)
    assert EInvoice.objects.get().ack_status == "Ok"
    assert not OutgoingStatus.objects.exists() and queued == []


def test_a_payment_contre_passe_before_transmission_gets_nothing(invoice, account, queued, pa, afnor, run):
    cancelled = run(factories.make_payment, invoice, "1000.00")
    run(invoicing.reverse_payment, payment=cancelled, date=timezone.localdate())
    kept = run(factories.make_payment, invoice, "175.00")
    transmit(invoice)
    acknowledge(afnor, account, pa, run, invoice)
    status = OutgoingStatus.objects.get()  # neither the payment nor its counter-entry: only the one kept
    assert status.allocation == kept.allocations.get() and queued == [status.pk]
    assert men(status) == [("20.00", "120.00"), ("10.00", "55.00")]


def test_a_payment_after_transmission_sends_once_as_before(invoice, account, queued, pa, afnor, run):
    transmit(invoice)
    payment = run(factories.make_payment, invoice)
    status = OutgoingStatus.objects.get()  # at once, in the payment's transaction
    assert status.allocation == payment.allocations.get() and queued == [status.pk]
    acknowledge(afnor, account, pa, run, invoice)
    assert OutgoingStatus.objects.get().pk == status.pk and queued == [status.pk]


def test_the_invoice_page_shows_the_encaissee_sent_after_the_acknowledgement(
    invoice, account, queued, pa, afnor, run, comptable, client_as
):
    run(factories.make_payment, invoice, "333.33")
    transmit(invoice)
    page = client_as(comptable).get(invoice.get_absolute_url()).content.decode()
    assert "Encaissée" not in page
    acknowledge(afnor, account, pa, run, invoice)
    sent_at = timezone.make_aware(datetime.datetime(2026, 12, 2, 14, 5))
    OutgoingStatus.objects.update(
        state=OutgoingStatusState.SENT, submitted_at=sent_at, flow_id="f", ack_status="Ok"
    )
    page = client_as(comptable).get(invoice.get_absolute_url()).content.decode()
    assert "Encaissée transmise le 02/12/2026 à 14:05" in page
    assert "228,57\xa0€ (TVA 20\xa0%)" in page and "104,76\xa0€ (TVA 10\xa0%)" in page
