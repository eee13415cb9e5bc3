"""Malformed input anywhere in the invoicing pages gives a French message or a 404, never a 500."""

from __future__ import annotations

import pytest

from invoices.models import Invoice
from tests import factories
from tests.invoices.test_invoice_views import header, line_data
from tests.security.hostile import check_answer

GARBAGE = {
    "client": "abc",
    "dossier": "x",
    "date": "31/02/2026",
    "amount": "beaucoup",
    "mode": "troc",
    "percent": "-5",
    "amount_ht": "1e999",
    "level": "9",
    "decision": "peut-être",
    "reason": "x" * 300,
    "lines-TOTAL_FORMS": "1",
    "lines-INITIAL_FORMS": "0",
    "lines-0-quantity": "deux",
    "lines-0-unit_price": "NaN",
    "lines-0-vat_rate": "7",
    "lines-0-unit": "litre",
    "objet": "x" * 400,
    "payment_terms_days": "-3",
    "vat_regime": "aucun",
}


@pytest.mark.parametrize(
    "url",
    [
        "/factures/?client=abc",
        "/factures/?start=demain&page=zz",
        "/factures/nouvelle/?client=abc",
        "/factures/nouvelle/?dossier=1%27",
        "/factures/devis/nouveau/?dossier=abc",
        "/factures/reglements/nouveau/?client=-1",
        "/dossiers/nouveau/?client=abc",
    ],
)
def test_bad_query_strings(url, cabinet, client_as, comptable):
    assert client_as(comptable).get(url).status_code in (200, 404)


@pytest.mark.parametrize("value", ["²", "¹²", "١", "１２", "𝟙", "99999999999999999999999"])
@pytest.mark.parametrize(
    "url",
    [
        "/factures/nouvelle/?client=",
        "/factures/nouvelle/?dossier=",
        "/factures/devis/nouveau/?dossier=",
        "/factures/reglements/nouveau/?client=",
        "/dossiers/nouveau/?client=",
    ],
)
def test_unicode_digits_in_query_strings_are_not_found(url, value, cabinet, client_as, comptable):
    assert client_as(comptable).get(url + value).status_code in (200, 404)


def test_garbage_posts_never_crash(cabinet, client_as, comptable):
    invoice = factories.make_invoice(cabinet, issued=True)
    draft = factories.make_invoice(cabinet)
    quote = factories.make_quote(cabinet, accepted=True)
    payment = factories.make_payment(invoice, "10")
    http = client_as(comptable)
    for url in [
        "/factures/nouvelle/",
        f"/factures/{draft.pk}/modifier/",
        f"/factures/{invoice.pk}/relancer/",
        "/factures/devis/nouveau/",
        f"/factures/devis/{quote.pk}/facture-partielle/",
        f"/factures/devis/{quote.pk}/decision/",
        f"/factures/reglements/{payment.pk}/contre-passer/",
        f"/factures/reglements/nouveau/?client={invoice.client_id}",
    ]:
        response = http.post(url, GARBAGE)
        if response.status_code != 404:
            check_answer(response)  # a redirect, or the form again saying in French what is wrong


def test_a_line_too_large_for_the_books_is_refused(cabinet, client_as, comptable):
    customer = factories.make_client(cabinet)
    page = (
        client_as(comptable)
        .post("/factures/nouvelle/", {**header(customer), **line_data(quantity="99999", price="9999999,99")})
        .content.decode()
    )
    assert "dépasse 100\xa0000\xa0000 €" in page or "dépasse 100 000 000 €" in page
    assert not Invoice.objects.exists()
