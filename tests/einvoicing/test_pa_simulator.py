"""The PA client against the offline Plateforme Agréée over real HTTP (pytest-django's live server); every
exchange is checked against the AFNOR OpenAPI files, so the simulator cannot drift from the standard either."""

from __future__ import annotations

import pytest
import requests

from einvoicing import client
from einvoicing.simulator.models import SimFlow, SimPaFault
from einvoicing.simulator.seed import seed_directory
from tests import factories
from tests.einvoicing.afnor_contract import check_exchange

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("transactional_db")]


class DictCache:
    def __init__(self) -> None:
        self.data: dict = {}

    def get(self, key, default=None):
        return self.data.get(key, default)

    def set(self, key, value, timeout=None):
        self.data[key] = value

    def delete(self, key):
        self.data.pop(key, None)


@pytest.fixture
def pa(live_server, settings):
    settings.PA_SIMULATOR_ACK_SECONDS = 0
    base = f"{live_server.url}/{settings.PA_SIMULATOR_PREFIX}"
    flow_base, directory_base = f"{base}/flow-service", f"{base}/directory-service"
    checked = []
    session = requests.Session()

    def validate(response, *args, **kwargs):
        if check_exchange(response.request, response, flow_base=flow_base, directory_base=directory_base):
            checked.append(response.request.url)

    session.hooks["response"].append(validate)
    pa = client.PlatformClient(
        endpoints=client.PlatformEndpoints(
            flow_base=flow_base, directory_base=directory_base, token_url=f"{base}/oauth/token"
        ),
        credentials=client.PlatformCredentials(
            client_id="cabinet-garonne", client_secret=settings.PA_SIMULATOR_SECRET
        ),
        token_cache=DictCache(),
        session=session,
        allow_plain_http=True,
        sleep=lambda s: None,
    )
    pa.checked = checked
    return pa


@pytest.fixture
def invoice_pdf(cabinet):
    company = factories.make_client(
        cabinet, categorie="entreprise", siret="55210055400013", nom="SCI Les Tilleuls"
    )
    invoice = factories.make_invoice(cabinet, client=company, issued=True)
    return invoice, invoice.pdf_bytes()


def info(number: str) -> client.FlowInfo:
    return client.FlowInfo(
        flow_syntax=client.FlowSyntax.FACTURX,
        flow_profile=client.FlowProfile.CIUS,
        processing_rule=client.ProcessingRule.B2B,
        tracking_id=number,
        name=f"{number}.pdf",
    )


def test_a_factur_x_is_submitted_acknowledged_and_found_again(pa, invoice_pdf):
    invoice, pdf = invoice_pdf
    sent = pa.submit_flow(info(invoice.number), pdf, content_type="application/pdf")
    [found] = pa.find_by_tracking_id(invoice.number)
    assert found.flow_id == sent.flow_id and found.acknowledged and found.flow_type == "CustomerInvoice"
    assert pa.get_flow(sent.flow_id).acknowledged
    assert pa.download_flow(sent.flow_id).content == pdf
    assert len(pa.checked) >= 4


def test_the_same_file_twice_is_acknowledged_in_error(pa, invoice_pdf):
    invoice, pdf = invoice_pdf
    pa.submit_flow(info(invoice.number), pdf, content_type="application/pdf")
    pa.find_by_tracking_id(invoice.number)  # settles the first one: Ok
    second = pa.submit_flow(info(invoice.number), pdf, content_type="application/pdf")
    flow = pa.get_flow(second.flow_id)
    assert flow.in_error and flow.ack_details[0].reason_code == "AlreadyExistingFlow"


def test_a_pdf_without_factur_x_is_refused_by_the_acknowledgement(pa):
    sent = pa.submit_flow(info("F2612-0099"), b"%PDF-1.4 sans XML", content_type="application/pdf")
    flow = pa.get_flow(sent.flow_id)
    assert flow.in_error and flow.ack_details[0].reason_code == "InvalidSchema"


def test_a_lost_reply_leaves_the_flow_findable_by_its_tracking_id(pa, invoice_pdf):
    invoice, pdf = invoice_pdf
    SimPaFault.objects.create(operation="flows", kind="lost_reply", remaining=1)
    with pytest.raises(client.PlatformUnavailable):
        pa.submit_flow(info(invoice.number), pdf, content_type="application/pdf")
    assert [f.tracking_id for f in pa.find_by_tracking_id(invoice.number)] == [invoice.number]
    assert SimFlow.objects.filter(direction="Out").count() == 1


def test_reads_survive_a_rate_limit(pa):
    SimPaFault.objects.create(operation="search", kind="rate_limit", remaining=1)
    assert pa.find_by_tracking_id("F2612-0001") == []


def test_the_directory_knows_the_seeded_companies(pa):
    seed_directory([("552100554", "SCI LES TILLEULS")])
    [line] = pa.directory_lines("552100554")
    assert line.addressing_identifier == "552100554" and line.usable
    assert pa.directory_lines("999999999") == []
    pa.directory_health()
    pa.flow_health()


def test_a_wrong_secret_is_an_auth_error(pa, settings):
    settings.PA_SIMULATOR_SECRET = "autre"
    with pytest.raises(client.PlatformAuthError):
        pa.flow_health()


def test_the_product_transmits_an_invoice_to_the_simulator(live_server, settings, invoice_pdf):
    from einvoicing import sending
    from einvoicing.models import EInvoiceState, PlatformAccount

    settings.PA_SIMULATOR_ACK_SECONDS = 0
    settings.GEOPROD_DEMO = True  # plain http to the local simulator
    invoice, _ = invoice_pdf
    base = f"{live_server.url}/{settings.PA_SIMULATOR_PREFIX}"
    account = PlatformAccount(
        cabinet=invoice.cabinet,
        name="Simulateur",
        flow_url=f"{base}/flow-service",
        directory_url=f"{base}/directory-service",
        token_url=f"{base}/oauth/token",
        client_id="cabinet-garonne",
    )
    account.set_client_secret(settings.PA_SIMULATOR_SECRET)
    account.save()
    seed_directory([(invoice.client.siret[:9], invoice.client.nom)])
    einvoice = sending.send(einvoice_id=sending.start(invoice=invoice, account=account).pk)
    assert einvoice.state == EInvoiceState.SENT
    assert SimFlow.objects.get(direction="Out").tracking_id == invoice.number
    assert sending.refresh(einvoice=einvoice).ack_status == "Ok"
    assert sending.send(einvoice_id=einvoice.pk).flow_id == einvoice.flow_id
    assert SimFlow.objects.filter(direction="Out").count() == 1


def test_the_demo_cabinets_are_connected_to_the_offline_platform(cabinet, settings):
    from einvoicing import demo
    from einvoicing.simulator.models import SimDirectoryLine

    company = factories.make_client(
        cabinet, categorie="entreprise", siret="55210055400013", nom="SCI Les Tilleuls"
    )
    factories.make_client(cabinet, categorie="particulier", siret="", nom="M. Martin")
    account = demo.seed_demo_platform(cabinet=cabinet)
    assert account.flow_url == f"{settings.PA_SIMULATOR_BASE}/flow-service"
    assert account.client_secret == settings.PA_SIMULATOR_SECRET and account.matricule == "DEMO"
    assert set(SimDirectoryLine.objects.values_list("siren", flat=True)) == {
        cabinet.siret[:9],
        company.siret[:9],
    }
    assert demo.seed_demo_platform(cabinet=cabinet).pk == account.pk  # idempotent
