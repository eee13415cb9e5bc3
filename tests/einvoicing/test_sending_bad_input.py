"""« Transmettre à la plateforme agréée » when things go wrong: each case gets a French sentence that says
what to do, nothing is lost, and nothing is sent twice."""

from __future__ import annotations

import pytest
import responses
from lxml import etree

from einvoicing import client, sending, tasks
from einvoicing.models import EInvoice, EInvoiceState, PlatformAccount
from invoices import facturx
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
def einvoice(cabinet, account):
    company = factories.make_client(
        cabinet, categorie="entreprise", siret=f"{SIREN}00013", nom="SCI Les Tilleuls"
    )
    invoice = factories.make_invoice(cabinet, client=company, issued=True)
    return sending.start(invoice=invoice, account=account)


def directory(afnor):
    afnor.add(
        responses.POST,
        LINES,
        json={
            "results": [
                {
                    "addressingIdentifier": SIREN,
                    "siren": SIREN,
                    "platform": {"platformType": "WK", "platformStatus": "Enabled"},
                }
            ]
        },
    )


def flow(einvoice, flow_id="flow-1", ack="Ok", details=None) -> dict:
    data = {
        "flowId": flow_id,
        "submittedAt": "2026-12-02T10:00:00.000Z",
        "updatedAt": "2026-12-02T10:00:01Z",
        "flowSyntax": "Factur-X",
        "flowDirection": "Out",
        "trackingId": einvoice.invoice.number,
        "acknowledgement": {"status": ack},
    }
    if details:
        data["acknowledgement"]["details"] = details
    return data


def sends(afnor) -> int:
    return len([c for c in afnor.calls if c.request.url == FLOWS and c.request.method == "POST"])


def test_already_existing_flow_on_submission_is_looked_up_and_recorded_not_sent_again(einvoice, pa, afnor):
    directory(afnor)
    afnor.add(
        responses.POST,
        FLOWS,
        status=400,
        json={"errorCode": "AlreadyExistingFlow", "errorMessage": "The flow has already been sent"},
    )
    afnor.add(responses.POST, SEARCH, json={"limit": 100, "results": [flow(einvoice, "flow-earlier")]})
    done = sending.send(einvoice_id=einvoice.pk, pa=pa)
    assert (done.state, done.flow_id, done.last_error) == (EInvoiceState.SENT, "flow-earlier", "")
    assert sends(afnor) == 1


def test_already_existing_flow_in_the_acknowledgement_points_to_the_earlier_flow(einvoice, pa, afnor):
    directory(afnor)
    afnor.add(responses.POST, FLOWS, status=202, json=flow(einvoice, "flow-2", ack="Pending"))
    done = sending.send(einvoice_id=einvoice.pk, pa=pa)
    afnor.add(
        responses.GET,
        f"{FLOWS}/flow-2",
        json=flow(
            einvoice,
            "flow-2",
            ack="Error",
            details=[
                {
                    "level": "Error",
                    "item": "file",
                    "reasonCode": "AlreadyExistingFlow",
                    "reasonMessage": "doublon",
                }
            ],
        ),
    )
    afnor.add(
        responses.POST,
        SEARCH,
        json={
            "limit": 100,
            "results": [
                flow(einvoice, "flow-1", ack="Ok"),
                flow(
                    einvoice,
                    "flow-2",
                    ack="Error",
                    details=[
                        {
                            "level": "Error",
                            "item": "file",
                            "reasonCode": "AlreadyExistingFlow",
                            "reasonMessage": "x",
                        }
                    ],
                ),
            ],
        },
    )
    done = sending.refresh(einvoice=done, pa=pa)
    assert (done.flow_id, done.ack_status, done.last_error) == ("flow-1", "Ok", "")


def test_invalid_schema_acknowledgement_says_what_to_do(einvoice, pa, afnor):
    directory(afnor)
    afnor.add(responses.POST, FLOWS, status=202, json=flow(einvoice, ack="Pending"))
    done = sending.send(einvoice_id=einvoice.pk, pa=pa)
    afnor.add(
        responses.GET,
        f"{FLOWS}/flow-1",
        json=flow(
            einvoice,
            ack="Error",
            details=[
                {"level": "Error", "item": "file", "reasonCode": "InvalidSchema", "reasonMessage": "BR-FR-12"}
            ],
        ),
    )
    done = sending.refresh(einvoice=done, pa=pa)
    assert done.ack_label == "refusé"
    assert "InvalidSchema : BR-FR-12" in done.last_error
    assert "faites un avoir et une nouvelle facture" in done.last_error
    assert sends(afnor) == 1


def test_429_keeps_the_invoice_to_retry_after_the_delay_the_platform_asks(einvoice, pa, afnor):
    directory(afnor)
    afnor.add(
        responses.POST,
        FLOWS,
        status=429,
        headers={"Retry-After": "120"},
        json={"errorCode": "TOO_MANY_REQUESTS", "errorMessage": "The client emitted too many requests"},
    )
    with pytest.raises(client.PlatformRateLimited) as raised:
        sending.send(einvoice_id=einvoice.pk, pa=pa)
    assert raised.value.retry_after == 120
    stored = EInvoice.objects.get(pk=einvoice.pk)
    assert stored.state == EInvoiceState.UNKNOWN
    assert "patienter" in stored.last_error and "reprise automatiquement" in stored.last_error
    # The next attempt searches by trackingId first, then sends once.
    afnor.add(responses.POST, SEARCH, json={"limit": 100, "results": []})
    afnor.replace(responses.POST, FLOWS, status=202, json=flow(einvoice, ack="Pending"))
    assert sending.send(einvoice_id=einvoice.pk, pa=pa).state == EInvoiceState.SENT
    searched = [i for i, c in enumerate(afnor.calls) if c.request.url == SEARCH]
    posted = [i for i, c in enumerate(afnor.calls) if c.request.url == FLOWS]
    assert searched and searched[0] < posted[-1]


def test_the_task_waits_the_retry_after_of_a_429(monkeypatch):
    def limited(**kwargs):
        raise client.PlatformRateLimited("Trop d'appels", retry_after=120)

    asked = {}

    class Retried(Exception):
        pass

    def retry(**kwargs):
        asked.update(kwargs)
        return Retried()

    monkeypatch.setattr(sending, "send", limited)
    monkeypatch.setattr(tasks.send_einvoice, "retry", retry)
    with pytest.raises(Retried):
        tasks.send_einvoice.run(1)
    assert asked["countdown"] == 120


def test_503_marks_the_invoice_to_check_and_says_it_will_be_retried(einvoice, pa, afnor):
    directory(afnor)
    afnor.add(responses.POST, FLOWS, status=503)
    with pytest.raises(client.PlatformUnavailable):
        sending.send(einvoice_id=einvoice.pk, pa=pa)
    stored = EInvoice.objects.get(pk=einvoice.pk)
    assert stored.state == EInvoiceState.UNKNOWN and stored.can_send
    assert "momentanément indisponible" in stored.last_error and "sans envoi en double" in stored.last_error


def test_a_refused_token_says_to_check_the_settings_and_sends_nothing(einvoice, pa, afnor):
    afnor.replace(responses.POST, TOKEN_URL, status=401, json={"error": "invalid_client"})
    done = sending.send(einvoice_id=einvoice.pk, pa=pa)
    assert done.state == EInvoiceState.ERROR
    assert "Paramètres > Facturation électronique" in done.last_error
    assert sends(afnor) == 0


def test_a_factur_x_failing_a_br_fr_rule_never_leaves(einvoice, pa, afnor, monkeypatch):
    real = facturx.xml_from_pdf

    def without_pmt(content: bytes) -> bytes:
        root = etree.fromstring(real(content))
        for note in root.xpath("//ram:IncludedNote[ram:SubjectCode='PMT']", namespaces=facturx.NS):
            note.getparent().remove(note)
        return etree.tostring(root)

    monkeypatch.setattr(facturx, "xml_from_pdf", without_pmt)
    directory(afnor)
    done = sending.send(einvoice_id=einvoice.pk, pa=pa)
    assert done.state == EInvoiceState.ERROR
    assert "BR-FR-05" in done.last_error and "n'a pas été transmise" in done.last_error
    assert sends(afnor) == 0


def test_an_invoice_validated_while_the_directory_was_down_is_checked_and_the_address_remembered(
    einvoice, pa, afnor
):
    directory(afnor)
    afnor.add(responses.POST, FLOWS, status=202, json=flow(einvoice, ack="Pending"))
    assert sending.send(einvoice_id=einvoice.pk, pa=pa).state == EInvoiceState.SENT
    buyer = einvoice.invoice.client
    buyer.refresh_from_db()
    assert buyer.adresse_electronique == SIREN and buyer.adresse_electronique_le is not None
