"""Bulk « Transmettre à la plateforme agréée » from the invoice list (the Chorus Pro bulk send's pattern): each
invoice started and queued once, a progress page that says where each one stands, nothing sent twice."""

from __future__ import annotations

import pytest
import responses
from django.urls import reverse

from clients.models import Category
from einvoicing import bulk, sending, tasks
from einvoicing.models import EInvoice, EInvoiceState, PlatformAccount
from tests import factories
from tests.einvoicing.afnor_contract import DIRECTORY_BASE, FLOW_BASE, TOKEN_URL
from tests.utils import body

pytestmark = pytest.mark.django_db

SEND = reverse("einvoicing:bulk-send")
PROGRESS = reverse("einvoicing:transmissions")
STATUS = reverse("einvoicing:transmissions-status")
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
def company(cabinet):
    return factories.make_client(
        cabinet, categorie="entreprise", siret=f"{SIREN}00013", nom="SCI Les Tilleuls"
    )


@pytest.fixture
def person(cabinet):
    return factories.make_client(cabinet, siret="", categorie=Category.PARTICULIER, nom="M. Martin")


@pytest.fixture
def queued(monkeypatch):
    found = []
    monkeypatch.setattr(tasks.send_einvoice, "delay", found.append)
    return found


def test_the_list_offers_a_box_for_b2b_invoices_and_says_why_not_for_the_others(
    client_as, comptable, cabinet, account, company, person
):
    b2b = factories.make_invoice(cabinet, client=company, issued=True)
    private = factories.make_invoice(cabinet, client=person, issued=True)
    draft = factories.make_invoice(cabinet, client=company)
    page = body(client_as(comptable).get("/factures/"))
    assert "Transmettre la sélection à la plateforme agréée" in page
    assert "Chorus Pro : Envoyer la sélection" not in page  # the cabinet has no Chorus Pro account
    assert f'name="facture" value="{b2b.pk}" form="chorus-bulk"' in page
    assert f'name="facture" value="{private.pk}"' not in page
    assert f'name="facture" value="{draft.pk}"' not in page
    assert "Cette facture ne passe pas par la plateforme agréée" in page


def test_the_list_reads_every_row_in_the_same_number_of_queries(
    client_as, comptable, cabinet, account, company, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    web = client_as(comptable)
    factories.make_invoice(cabinet, client=company, issued=True)
    with CaptureQueriesContext(connection) as one:
        web.get("/factures/")
    for _ in range(5):
        invoice = factories.make_invoice(cabinet, client=company, issued=True)
    sending.start(invoice=invoice, account=account)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert web.get("/factures/").status_code == 200


def test_bulk_transmit_queues_each_b2b_invoice_once_and_shows_the_others_reason(
    client_as, comptable, cabinet, account, company, person, queued, django_capture_on_commit_callbacks
):
    first = factories.make_invoice(cabinet, client=company, issued=True)
    second = factories.make_invoice(cabinet, client=company, issued=True)
    private = factories.make_invoice(cabinet, client=person, issued=True)
    web = client_as(comptable)
    with django_capture_on_commit_callbacks(execute=True):
        response = web.post(SEND, {"facture": [str(first.pk), str(second.pk), str(private.pk)]})
    ids = ",".join(str(pk) for pk in sorted([first.pk, second.pk, private.pk]))
    assert response.status_code == 302 and response["Location"] == f"{PROGRESS}?factures={ids}"
    assert sorted(queued) == sorted(EInvoice.objects.values_list("pk", flat=True)) and len(queued) == 2
    page = body(web.get(response["Location"]))
    assert page.count("En attente de transmission") == 2
    assert "Non transmise" in page and "ne passe pas par la plateforme agréée" in page
    assert 'data-batch-status="' in page  # still moving: the page polls its JSON twin

    # The same selection again: nothing is queued twice while the first transmissions are on their way.
    EInvoice.objects.update(state=EInvoiceState.SENT, flow_id="f")
    with django_capture_on_commit_callbacks(execute=True):
        web.post(SEND, {"facture": [str(first.pk), str(second.pk)]})
    assert len(queued) == 2
    status = web.get(f"{STATUS}?factures={ids}").json()
    assert status["done"] is True
    assert [line["state"] for line in status["lines"]].count("Transmise à la plateforme") == 2


def test_the_queued_task_transmits_and_the_progress_says_so(
    client_as, comptable, cabinet, account, company, queued, django_capture_on_commit_callbacks, pa, afnor
):
    invoice = factories.make_invoice(cabinet, client=company, issued=True)
    web = client_as(comptable)
    with django_capture_on_commit_callbacks(execute=True):
        web.post(SEND, {"facture": [str(invoice.pk)]})
    afnor.add(
        responses.POST,
        f"{DIRECTORY_BASE}/v1/directory-line/search",
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
    afnor.add(
        responses.POST,
        f"{FLOW_BASE}/v1/flows",
        status=202,
        json={
            "flowId": "flow-1",
            "submittedAt": "2026-12-02T10:00:00.000Z",
            "flowSyntax": "Factur-X",
            "trackingId": invoice.number,
        },
    )
    sending.send(einvoice_id=queued[0], pa=pa)
    status = web.get(f"{STATUS}?factures={invoice.pk}").json()
    assert status == {
        "done": True,
        "lines": [
            {
                "id": invoice.pk,
                "state": "Transmise à la plateforme",
                "detail": "accusé de réception : en attente",
                "settled": True,
                "failed": False,
            }
        ],
    }


@pytest.mark.parametrize("count", [0, 101])
def test_an_empty_or_too_large_selection_is_refused_in_french(client_as, comptable, account, count):
    response = client_as(comptable).post(
        SEND, {"facture": [str(i) for i in range(1, count + 1)]}, follow=True
    )
    page = body(response)
    assert ("Cochez au moins une facture à transmettre" if count == 0 else "au plus 100 factures") in page


def test_another_cabinets_invoice_is_not_found(client_as, comptable, account, other_cabinet):
    foreign = factories.make_invoice(other_cabinet, issued=True)
    assert client_as(comptable).post(SEND, {"facture": [str(foreign.pk)]}).status_code == 404


def test_the_progress_page_shows_only_the_cabinets_invoices_and_survives_bad_addresses(
    client_as, comptable, account, other_cabinet
):
    foreign = factories.make_invoice(other_cabinet, issued=True)
    web = client_as(comptable)
    assert "Aucune facture sélectionnée" in body(web.get(f"{PROGRESS}?factures={foreign.pk}"))
    response = web.get(f"{PROGRESS}?factures=abc", follow=True)
    assert "Sélection illisible" in body(response)
    assert web.get(f"{STATUS}?factures=abc").status_code == 400


def test_without_a_platform_the_line_says_where_to_set_it_up(cabinet, company):
    invoice = factories.make_invoice(cabinet, client=company, issued=True)
    assert bulk.start(invoices=[invoice], account=None) == []
    [line] = bulk.progress(cabinet=cabinet, invoice_ids=[invoice.pk])
    assert line.failed and "Paramètres > Facturation électronique" in line.detail
