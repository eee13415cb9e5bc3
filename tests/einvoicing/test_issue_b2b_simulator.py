"""« Valider » then « Transmettre » of a B2B invoice over real HTTP against the offline Plateforme Agréée (live
server): the Directory's address goes into BT-49, is remembered, and the flow leaves once."""

from __future__ import annotations

import pytest
from lxml import etree

from einvoicing import client, directory, sending
from einvoicing.models import EInvoiceState, PlatformAccount
from einvoicing.simulator.models import SimDirectoryLine, SimFlow, SimPaFault
from einvoicing.simulator.seed import seed_directory
from invoices import facturx, facturx_validation
from invoices.models import Invoice
from tests import factories

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("transactional_db")]

SIREN = "552100554"
SIRET = f"{SIREN}00013"


@pytest.fixture
def account(cabinet, live_server, settings):
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


@pytest.fixture
def company(cabinet):
    return factories.make_client(cabinet, categorie="entreprise", siret=SIRET, nom="SCI Les Tilleuls")


def bt49(invoice) -> list[str]:
    xml = facturx.xml_from_pdf(Invoice.objects.get(pk=invoice.pk).pdf_bytes())
    assert facturx_validation.validate(xml, french_rules=True).ok
    return etree.fromstring(xml).xpath(
        "//ram:BuyerTradeParty/ram:URIUniversalCommunication/ram:URIID[@schemeID='0225']/text()",
        namespaces=facturx.NS,
    )


def test_the_siret_line_of_the_simulator_is_bt49_and_the_flow_leaves_once(cabinet, company, account):
    seed_directory([(SIREN, "SCI LES TILLEULS")])
    SimDirectoryLine.objects.create(siren=SIREN, siret=SIRET, addressing_identifier=f"{SIREN}_{SIRET[9:]}")
    issued, outcome = directory.issue(invoice=factories.make_invoice(cabinet, client=company))
    assert outcome.address == f"{SIREN}_{SIRET[9:]}" and not outcome.message
    company.refresh_from_db()
    assert company.adresse_electronique == f"{SIREN}_{SIRET[9:]}"
    assert bt49(issued) == [f"{SIREN}_{SIRET[9:]}"]
    einvoice = sending.send(einvoice_id=sending.start(invoice=issued, account=account).pk)
    assert einvoice.state == EInvoiceState.SENT and einvoice.buyer_address == f"{SIREN}_{SIRET[9:]}"
    assert sending.send(einvoice_id=einvoice.pk).flow_id == einvoice.flow_id
    assert SimFlow.objects.filter(direction="Out").count() == 1


def test_directory_down_uses_the_remembered_address_then_the_siren(cabinet, company, account):
    seed_directory([(SIREN, "SCI LES TILLEULS")])
    first, _ = directory.issue(invoice=factories.make_invoice(cabinet, client=company))
    SimPaFault.objects.create(operation="directory", kind="error")
    second, outcome = directory.issue(invoice=factories.make_invoice(cabinet, client=company))
    assert second.is_issued and "ne répond pas" in outcome.message and not outcome.warning
    assert bt49(second) == [SIREN]
    company.adresse_electronique = ""
    company.save()
    third, outcome = directory.issue(invoice=factories.make_invoice(cabinet, client=company))
    assert third.is_issued and outcome.warning and "vérifiée dans l'annuaire" in outcome.message


def test_a_disabled_platform_line_is_said_and_the_transmission_refuses_without_sending(
    cabinet, company, account
):
    SimDirectoryLine.objects.create(siren=SIREN, addressing_identifier=SIREN, platform_status="Disabled")
    issued, outcome = directory.issue(invoice=factories.make_invoice(cabinet, client=company))
    assert outcome.warning and "sans plateforme de réception active" in outcome.message
    einvoice = sending.send(einvoice_id=sending.start(invoice=issued, account=account).pk)
    assert einvoice.state == EInvoiceState.ERROR and "annuaire" in einvoice.last_error
    assert SimFlow.objects.filter(direction="Out").count() == 0


def test_a_rate_limited_submission_is_searched_then_sent_once(cabinet, company, account):
    seed_directory([(SIREN, "SCI LES TILLEULS")])
    issued, _ = directory.issue(invoice=factories.make_invoice(cabinet, client=company))
    einvoice = sending.start(invoice=issued, account=account)
    SimPaFault.objects.create(operation="flows", kind="rate_limit", remaining=1)
    with pytest.raises(client.PlatformRateLimited):
        sending.send(einvoice_id=einvoice.pk)
    assert SimFlow.objects.filter(direction="Out").count() == 0
    assert sending.send(einvoice_id=einvoice.pk).state == EInvoiceState.SENT
    assert SimFlow.objects.filter(direction="Out").count() == 1


def test_a_lost_reply_is_found_by_tracking_id_and_not_sent_again(cabinet, company, account):
    seed_directory([(SIREN, "SCI LES TILLEULS")])
    issued, _ = directory.issue(invoice=factories.make_invoice(cabinet, client=company))
    einvoice = sending.start(invoice=issued, account=account)
    SimPaFault.objects.create(operation="flows", kind="lost_reply", remaining=1)
    with pytest.raises(client.PlatformUnavailable):
        sending.send(einvoice_id=einvoice.pk)
    done = sending.send(einvoice_id=einvoice.pk)
    assert done.state == EInvoiceState.SENT and SimFlow.objects.filter(direction="Out").count() == 1
