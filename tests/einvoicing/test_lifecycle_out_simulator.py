"""Lifecycle messages (CDAR) over real HTTP against the offline Plateforme Agréée: the simulator checks them
with the same CDAR XSD and CDV schematron, and the exactly-once proofs hold against it (lost reply, dead
worker): one flow at the platform whatever happens."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from einvoicing import client, lifecycle_out, services
from einvoicing.models import EInvoice, EInvoiceState, OutgoingStatus, OutgoingStatusState, PlatformAccount
from einvoicing.simulator.models import SimFlow, SimPaFault
from tests import factories
from tests.einvoicing.test_cdar import SUBJECT

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("transactional_db")]


@pytest.fixture
def account(live_server, settings, cabinet):
    settings.PA_SIMULATOR_ACK_SECONDS = 0
    settings.GEOPROD_DEMO = True  # plain http to the local simulator
    base = f"{live_server.url}/{settings.PA_SIMULATOR_PREFIX}"
    account = PlatformAccount(
        cabinet=cabinet,
        name="Simulateur",
        flow_url=f"{base}/flow-service",
        directory_url=f"{base}/directory-service",
        token_url=f"{base}/oauth/token",
        client_id="cabinet-garonne",
    )
    account.set_client_secret(settings.PA_SIMULATOR_SECRET)
    account.save()
    return account


def record(account, tracking_id="ENC-1", **values):
    values = values or {"code": 212, "sender_role": "SE", "amounts": [(Decimal("20"), Decimal("1200"))]}
    # Recorded outside a request: the task is not run here, each test drives lifecycle_out.send itself.
    from unittest import mock

    with mock.patch("einvoicing.lifecycle_out.queue"):
        return lifecycle_out.send_status(account=account, subject=SUBJECT, tracking_id=tracking_id, **values)


def test_a_valid_status_is_accepted_as_a_customer_invoice_lifecycle_flow(account):
    status = lifecycle_out.send(status_id=record(account).pk)
    flow = SimFlow.objects.get()
    assert (flow.flow_syntax, flow.flow_type, flow.tracking_id) == ("CDAR", "CustomerInvoiceLC", "ENC-1")
    assert bytes(flow.content) == bytes(status.xml) and status.state == OutgoingStatusState.SENT
    status = lifecycle_out.refresh(status=status)
    assert status.ack_status == "Ok" and status.ack_label == "accepté" and status.last_error == ""


def test_an_invalid_cdar_is_acknowledged_in_error_invalid_schema(account):
    status = record(account)
    # What a faulty producer would send: the official 212 example, which lacks its SequenceNumeric.
    from tests.einvoicing.test_cdar import EXAMPLES

    OutgoingStatus.objects.filter(pk=status.pk).update(
        xml=(EXAMPLES / "UC1_F202500003_07-CDV-212_Encaissee.xml").read_bytes()
    )
    status = lifecycle_out.refresh(status=lifecycle_out.send(status_id=status.pk))
    assert status.state == OutgoingStatusState.ERROR and status.ack_label == "refusé"
    assert "InvalidSchema" in status.last_error and "BR-FR-CDV-16" in status.last_error
    assert SimFlow.objects.get().ack_details[0]["reasonCode"] == "InvalidSchema"


def test_a_lost_reply_is_found_again_by_tracking_id_and_never_sent_twice(account):
    SimPaFault.objects.create(operation="flows", kind="lost_reply", remaining=1)
    status = record(account)
    with pytest.raises(client.PlatformUnavailable):
        lifecycle_out.send(status_id=status.pk)
    assert OutgoingStatus.objects.get().state == OutgoingStatusState.UNKNOWN and SimFlow.objects.count() == 1
    status = lifecycle_out.send(status_id=status.pk)
    assert status.state == OutgoingStatusState.SENT and status.flow_id == SimFlow.objects.get().flow_id
    assert SimFlow.objects.count() == 1


def test_a_worker_killed_after_the_deposit_is_resumed_without_a_second_flow(account):
    status = record(account)
    pa = services.client_for(account)
    flow = pa.submit_flow(  # the dead worker's deposit reached the platform…
        client.FlowInfo(flow_syntax=client.FlowSyntax.CDAR, tracking_id="ENC-1", name="CDV-212.xml"),
        bytes(status.xml),
        content_type="application/xml",
    )
    OutgoingStatus.objects.filter(pk=status.pk).update(  # …and its claim was left behind
        state=OutgoingStatusState.SENDING, sending_since=timezone.now() - datetime.timedelta(hours=1)
    )
    from einvoicing import tasks

    assert tasks.sweep_outgoing_statuses() == 1  # eager in tests: the sweeper's task runs now
    status.refresh_from_db()
    assert status.state == OutgoingStatusState.SENT and status.flow_id == flow.flow_id
    assert SimFlow.objects.count() == 1


def test_a_payment_sends_encaissee_to_the_platform(account, cabinet):
    company = factories.make_client(
        cabinet, categorie="entreprise", siret="55210055400013", nom="SCI Les Tilleuls"
    )
    invoice = factories.make_invoice(cabinet, client=company, issued=True)
    EInvoice.objects.create(
        cabinet=cabinet,
        invoice=invoice,
        state=EInvoiceState.SENT,
        flow_id="f-1",
        ack_status="Ok",
        buyer_address="552100554",
    )
    payment = factories.make_payment(invoice)  # committed: the task runs (eager) and sends
    status = OutgoingStatus.objects.get()
    assert status.state == OutgoingStatusState.SENT and status.allocation == payment.allocations.get()
    flow = SimFlow.objects.get()
    assert flow.flow_syntax == "CDAR" and flow.tracking_id == status.tracking_id
    assert b'<ram:ValueAmount currencyID="EUR">1560.00</ram:ValueAmount>' in bytes(flow.content)
    from einvoicing import encaissee

    encaissee.on_allocation(payment.allocations.get())  # a replay of the same allocation changes nothing
    assert SimFlow.objects.count() == 1 and OutgoingStatus.objects.count() == 1
