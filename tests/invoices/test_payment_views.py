"""Règlement pages: choose the client, allocate, list, reverse."""

from __future__ import annotations

import re

from invoices import services
from invoices.models import Payment
from tests import factories


def test_record_list_and_reverse_a_payment(cabinet, client_as, comptable):
    client = factories.make_client(cabinet, nom="SCI Les Tilleuls")
    a = factories.make_invoice(cabinet, client=client, issued=True)
    b = factories.make_invoice(cabinet, client=client, issued=True)
    http = client_as(comptable)
    assert "SCI Les Tilleuls" in http.get("/factures/reglements/nouveau/").content.decode()
    form = http.get(f"/factures/reglements/nouveau/?client={client.pk}").content.decode()
    assert a.number in form and b.number in form
    data = {
        "client": client.pk,
        "date": "2026-10-01",
        "amount": "2 000,00",
        "mode": "virement",
        f"alloc_{a.pk}": "1560,00",
        f"alloc_{b.pk}": "440,00",
    }
    response = http.post("/factures/reglements/nouveau/", data)
    payment = Payment.objects.get()
    assert response["Location"] == f"/factures/reglements/{payment.pk}/"
    assert "2\xa0000,00\xa0€" in http.get("/factures/reglements/").content.decode()

    http.post(
        f"/factures/reglements/{payment.pk}/contre-passer/", {"date": "2026-10-02", "reason": "Chèque rejeté"}
    )
    counter = Payment.objects.get(reversal_of=payment)
    assert counter.amount == -2000
    a.refresh_from_db()
    assert a.status == "emise"
    page = http.get(f"/factures/reglements/{payment.pk}/").content.decode()
    assert "Contre-passé par" in page and "contre-passer/" not in page


def test_allocations_above_the_amount_are_shown_and_kept(cabinet, client_as, comptable):
    invoice = factories.make_invoice(cabinet, issued=True)
    data = {
        "client": invoice.client_id,
        "date": "2026-10-01",
        "amount": "400,00",
        "mode": "cheque",
        f"alloc_{invoice.pk}": "500,00",
    }
    page = client_as(comptable).post("/factures/reglements/nouveau/", data).content.decode()
    assert "dépasse le montant disponible du règlement" in page and 'value="500,00"' in page
    assert not Payment.objects.exists()


def test_a_client_whose_only_open_document_is_an_avoir_is_not_offered(cabinet, client_as, comptable):
    client = factories.make_client(cabinet, nom="SARL Avoir Seul")
    invoice = factories.make_invoice(cabinet, client=client, issued=True)
    services.issue_invoice(invoice=services.create_credit_note(invoice=invoice))  # credits it in full
    assert "SARL Avoir Seul" not in client_as(comptable).get("/factures/reglements/nouveau/").content.decode()


def test_payment_screens_write_amounts_the_french_way(cabinet, client_as, comptable):
    invoice = factories.make_invoice(
        cabinet, lines=[("Bornage", "1", "1100.00", "20.00"), ("Plan", "1", "0.23", "20.00")], issued=True
    )
    http = client_as(comptable)
    form = http.get(f"/factures/reglements/nouveau/?client={invoice.client_id}").content.decode()
    assert f"{invoice.number} — reste dû 1\xa0320,28\xa0€" in form
    data = {
        "client": invoice.client_id,
        "date": "2026-10-01",
        "amount": "1 000,00",
        "mode": "cheque",
        f"alloc_{invoice.pk}": "1 500,00",
    }
    page = http.post("/factures/reglements/nouveau/", data).content.decode()
    assert "(1\xa0500,00\xa0€) dépasse le montant disponible du règlement (1\xa0000,00\xa0€)" in page
    data["amount"] = "1 500,00"
    page = http.post("/factures/reglements/nouveau/", data).content.decode()
    assert "(1\xa0500,00\xa0€) dépasse le reste dû (1\xa0320,28\xa0€)" in page
    data["amount"] = data[f"alloc_{invoice.pk}"] = "1 000,00"
    http.post("/factures/reglements/nouveau/", data)
    history = http.get(f"/factures/{invoice.pk}/").content.decode()
    assert "1\xa0000,00\xa0€ (Chèque) du 01/10/2026" in history
    assert not re.search(r"\d\.\d\d\s*€", form + page + history)
