"""The offline PA's lifecycle clock, read by the product over real HTTP: Déposée on acceptance, the buyer's
statuses as the clock ticks, the scenario switches, and real CDAR messages valid against the D22B XSD."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from lxml import etree

from einvoicing import cdar_read, lifecycle_in, sending, statuses
from einvoicing.models import EInvoiceStatus, PlatformAccount
from einvoicing.simulator import lifecycle
from einvoicing.simulator.models import SimFlow, SimPaFault
from einvoicing.simulator.seed import seed_directory
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("transactional_db")]

XSD = Path(__file__).parent / "samples" / "cdar-xsd" / "CrossDomainAcknowledgementAndResponse_100pD22B.xsd"


@pytest.fixture(scope="module")
def schema():
    return etree.XMLSchema(etree.parse(str(XSD)))


@pytest.fixture
def account(cabinet, live_server, settings):
    settings.PA_SIMULATOR_ACK_SECONDS = 0
    settings.PA_SIMULATOR_LIFECYCLE_SECONDS = 0
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
    account.base = base
    return account


def transmit(account, siret="55210055400013"):
    company = factories.make_client(
        account.cabinet, categorie="entreprise", siret=siret, nom="SCI Les Tilleuls"
    )
    invoice = factories.make_invoice(account.cabinet, client=company, issued=True)
    seed_directory([(siret[:9], company.nom)])
    return sending.send(einvoice_id=sending.start(invoice=invoice, account=account).pk)


def codes(einvoice):
    """The lifecycle messages, in order (the acknowledgement is apart: its time has milliseconds)."""
    rows = EInvoiceStatus.objects.filter(einvoice=einvoice).exclude(code__in=statuses.ACK_LABELS)
    return list(rows.order_by("at", "id").values_list("code", flat=True))


def test_deposited_then_approved_as_the_clock_ticks(account, schema):
    einvoice = transmit(account)
    lifecycle_in.refresh_account(account)
    einvoice.refresh_from_db()
    assert einvoice.statuses.filter(code=statuses.ACK_OK).exists()
    assert codes(einvoice) == [200] and einvoice.status_label == "Déposée"

    response = requests.post(f"{account.base}/lifecycle/advance?steps=4", timeout=10)
    assert response.json() == {"produced": 4}
    result = lifecycle_in.refresh_account(account)
    assert result.downloads == 4 and result.unknown == 0
    einvoice.refresh_from_db()
    assert codes(einvoice) == [200, 202, 203, 204, 205]
    assert einvoice.status_label == "Approuvée"
    # the clock has nothing more to say about this invoice
    assert lifecycle.advance(1) == 0

    for flow in SimFlow.objects.filter(direction="In"):
        document = etree.fromstring(bytes(flow.content))
        assert schema.validate(document), schema.error_log
        message = cdar_read.parse(bytes(flow.content))
        assert message.invoice_number == einvoice.invoice.number
        assert message.seller_siren == account.cabinet.siret[:9]


@pytest.mark.parametrize(
    "kind, last, reason",
    [
        ("210", 210, "CMD_ERR"),
        ("213", 213, "NON_CONFORME"),
        ("207", 207, "TX_TVA_ERR"),
        ("208", 208, "REF_CT_ABSENT"),
    ],
)
def test_a_buyer_switch_gives_its_scenario_with_reasons(account, schema, kind, last, reason):
    SimPaFault.objects.create(operation="lifecycle:552100554", kind=kind, remaining=0)
    einvoice = transmit(account)
    lifecycle.advance(5)
    lifecycle_in.refresh_account(account)
    einvoice.refresh_from_db()
    assert einvoice.status_code == last
    status = einvoice.statuses.get(code=last)
    assert status.reason_code == reason and status.comment
    [flow] = [f for f in SimFlow.objects.filter(direction="In") if f"CDV-{last}" in f.name]
    assert schema.validate(etree.fromstring(bytes(flow.content))), schema.error_log


def test_a_single_fault_row_applies_to_the_next_invoice_only(account):
    SimPaFault.objects.create(operation="lifecycle", kind="210", remaining=1)
    first = transmit(account)
    second = transmit(account, siret="73282932000074")
    lifecycle.advance(5)
    lifecycle_in.refresh_account(account)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status_code, second.status_code) == (210, 205)


def test_in_demo_mode_the_clock_runs_by_itself(account, settings):
    import datetime

    from django.utils import timezone

    einvoice = transmit(account)
    lifecycle_in.refresh_account(account)
    settings.PA_SIMULATOR_LIFECYCLE_SECONDS = 60
    assert lifecycle.run_clock(timezone.now() + datetime.timedelta(seconds=150)) == 2
    lifecycle_in.refresh_account(account)
    einvoice.refresh_from_db()
    assert einvoice.status_code == 203


def test_a_dispute_answered_complete_goes_to_the_pa_as_a_cdar_flow(account):
    from einvoicing import lifecycle_actions
    from einvoicing.models import OutgoingStatus

    SimPaFault.objects.create(operation="lifecycle:552100554", kind="207", remaining=0)
    einvoice = transmit(account)
    account.electronic_address = account.cabinet.siret[:9]
    account.save()
    lifecycle.advance(5)
    lifecycle_in.refresh_account(account)
    einvoice.refresh_from_db()
    assert einvoice.status_code == 207

    lifecycle_actions.answer_completed(einvoice, comment="Taux corrigé : avoir et nouvelle facture envoyés.")

    einvoice.refresh_from_db()
    assert einvoice.status_code == statuses.COMPLETEE
    sent = OutgoingStatus.objects.get(code=209)
    assert sent.sender_role == "SE" and sent.state == "envoye" and sent.flow_id  # sent (tasks run eagerly)
    flow = SimFlow.objects.get(flow_id=sent.flow_id)
    assert flow.flow_syntax == "CDAR" and flow.direction == "Out"
    message = cdar_read.parse(bytes(flow.content))
    assert (message.status_code, message.invoice_number) == (209, einvoice.invoice.number)
    assert message.reason.comment == "Taux corrigé : avoir et nouvelle facture envoyés."
    # our own CDAR comes back in the next search (Out, CustomerInvoiceLC): not mistaken for a buyer's status
    lifecycle_in.refresh_account(account)
    einvoice.refresh_from_db()
    assert einvoice.status_code == statuses.COMPLETEE
