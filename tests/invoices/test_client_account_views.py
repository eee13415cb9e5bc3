"""« Affecter », « Rembourser » on a règlement page, and the « Solde client » block of the client page."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from clients.models import Category
from invoices import services
from invoices.models import InvoiceStatus, Payment
from tests import factories


def acompte(client, amount="2000"):
    return services.record_payment(
        cabinet=client.cabinet,
        client=client,
        date=datetime.date(2026, 10, 1),
        amount=Decimal(amount),
        mode="cheque",
    )


def test_a_payment_with_no_invoice_is_recorded_as_an_acompte(cabinet, client_as, comptable):
    client = factories.make_client(cabinet, nom="SCI Sans Facture")
    http = client_as(comptable)
    form = http.get(f"/factures/reglements/nouveau/?client={client.pk}").content.decode()
    assert "enregistré comme acompte reçu" in form
    data = {"client": client.pk, "date": "2026-10-01", "amount": "750,00", "mode": "virement"}
    response = http.post("/factures/reglements/nouveau/", data)
    payment = Payment.objects.get()
    assert response.status_code == 302 and payment.unallocated == Decimal("750.00")
    page = http.get(f"/factures/reglements/{payment.pk}/").content.decode()
    assert "au crédit du client" in page and "750,00\xa0€" in page


def test_allocate_the_rest_from_the_payment_page(cabinet, client_as, comptable):
    client = factories.make_client(cabinet)
    payment = acompte(client)
    invoice = factories.make_invoice(cabinet, client=client, issued=True)
    http = client_as(comptable)
    page = http.get(f"/factures/reglements/{payment.pk}/").content.decode()
    assert f"{invoice.number} — reste dû 1\xa0560,00\xa0€" in page
    response = http.post(f"/factures/reglements/{payment.pk}/affecter/", {f"alloc_{invoice.pk}": "1 560,00"})
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID


def test_allocating_too_much_shows_the_error_and_keeps_the_amount(cabinet, client_as, comptable):
    client = factories.make_client(cabinet)
    payment = acompte(client, "100")
    invoice = factories.make_invoice(cabinet, client=client, issued=True)
    page = client_as(comptable).post(
        f"/factures/reglements/{payment.pk}/affecter/", {f"alloc_{invoice.pk}": "150,00"}
    )
    text = page.content.decode()
    assert page.status_code == 200 and "dépasse le montant disponible" in text and 'value="150,00"' in text
    assert not payment.allocations.exists()


def test_refund_from_the_payment_page(cabinet, client_as, comptable):
    payment = acompte(factories.make_client(cabinet), "300")
    http = client_as(comptable)
    data = {"date": "2026-10-05", "amount": "300,00", "mode": "virement", "reason": "Trop-perçu"}
    response = http.post(f"/factures/reglements/{payment.pk}/rembourser/", data)
    refund = Payment.objects.get(refund_of=payment)
    assert response["Location"] == f"/factures/reglements/{refund.pk}/"
    listing = http.get("/factures/reglements/").content.decode()
    assert "Remboursement" in listing and "-300,00\xa0€" in listing


def test_cash_refund_above_the_cap_is_refused_in_french(cabinet, client_as, comptable):
    payment = acompte(factories.make_client(cabinet, categorie=Category.ENTREPRISE), "3000")
    data = {"date": "2026-10-05", "amount": "2 000,00", "mode": "especes"}
    page = client_as(comptable).post(f"/factures/reglements/{payment.pk}/rembourser/", data).content.decode()
    assert "espèces ne peut pas dépasser" in page and 'value="2 000,00"' in page


def test_cash_payment_above_the_cap_is_refused_with_the_form_kept(cabinet, client_as, comptable):
    client = factories.make_client(cabinet)
    data = {
        "client": client.pk,
        "date": "2026-10-01",
        "amount": "1 500,00",
        "mode": "especes",
        "reference": "R12",
    }
    page = client_as(comptable).post("/factures/reglements/nouveau/", data).content.decode()
    assert "art. L112-6" in page and 'value="R12"' in page
    assert not Payment.objects.exists()


def test_client_page_shows_the_balance_with_its_lines(cabinet, client_as, comptable):
    client = factories.make_client(cabinet)
    invoice = factories.make_invoice(cabinet, client=client, issued=True)
    payment = acompte(client, "500")
    page = client_as(comptable).get(f"/clients/{client.pk}/").content.decode()
    solde = page[page.index('id="solde"') :]
    assert f"Facture {invoice.number}" in solde and "1\xa0560,00\xa0€" in solde
    assert f"/factures/reglements/{payment.pk}/" in solde and "Acompte reçu" in solde
    assert "Le client doit 1\xa0060,00\xa0€." in solde
    assert not re.search(r"\d\.\d\d\s*€", solde)


def test_overpayment_is_visible_on_the_client_balance(cabinet, client_as, comptable):
    invoice = factories.make_invoice(cabinet, issued=True)
    services.record_payment(
        cabinet=cabinet,
        client=invoice.client,
        date=datetime.date(2026, 10, 1),
        amount=Decimal("1600"),
        mode="virement",
        allocations=[(invoice, Decimal("1560"))],
    )
    page = client_as(comptable).get(f"/clients/{invoice.client_id}/").content.decode()
    assert "Trop-perçu" in page and "Le cabinet doit 40,00\xa0€ au client" in page


def test_balance_block_queries_do_not_grow_with_rows(cabinet, client_as, comptable):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = factories.make_client(cabinet)
    http = client_as(comptable)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert http.get(f"/clients/{client.pk}/").status_code == 200
        return len(ctx.captured_queries)

    factories.make_invoice(cabinet, client=client, issued=True)
    acompte(client, "10")
    before = count()
    for _ in range(3):
        factories.make_invoice(cabinet, client=client, issued=True)
        acompte(client, "10")
    assert count() == before


def test_other_cabinet_payment_gives_404(cabinet, client_as, stranger):
    payment = acompte(factories.make_client(cabinet))
    http = client_as(stranger)
    assert http.post(f"/factures/reglements/{payment.pk}/affecter/", {}).status_code == 404
    assert http.post(f"/factures/reglements/{payment.pk}/rembourser/", {}).status_code == 404


def test_payment_list_queries_do_not_grow_with_refunds_and_allocations(cabinet, client_as, comptable):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    http = client_as(comptable)
    client = factories.make_client(cabinet)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert http.get("/factures/reglements/").status_code == 200
        return len(ctx.captured_queries)

    services.refund_payment(
        payment=acompte(client, "100"), amount=Decimal("10"), date=datetime.date(2026, 10, 2), mode="virement"
    )
    before = count()
    for _ in range(3):
        invoice = factories.make_invoice(cabinet, client=client, issued=True)
        payment = acompte(client, "2000")
        services.allocate_payment(payment=payment, allocations=[(invoice, Decimal("1000"))])
        services.refund_payment(
            payment=payment, amount=Decimal("5"), date=datetime.date(2026, 10, 2), mode="cheque"
        )
    assert count() == before
