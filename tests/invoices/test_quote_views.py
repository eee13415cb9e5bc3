"""Devis pages: create, accept, invoice a part and the balance, PDF."""

from __future__ import annotations

from invoices.models import Invoice, InvoiceKind, Quote
from tests import factories
from tests.invoices.test_invoice_views import line_data


def test_quote_flow_through_the_pages(cabinet, client_as, admin):
    http = client_as(admin)
    dossier = factories.make_dossier(cabinet, objet="Division en 4 lots")
    assert "Division en 4 lots" in http.get(f"/factures/devis/nouveau/?dossier={dossier.pk}").content.decode()
    data = {
        "client": dossier.client_id,
        "dossier": dossier.pk,
        "objet": "Division en 4 lots",
        "date": "2026-09-01",
        "validity_days": "90",
        "vat_regime": "encaissements",
        **line_data(price="5000,00"),
    }
    response = http.post("/factures/devis/nouveau/", data)
    quote = Quote.objects.get()
    assert response["Location"] == f"/factures/devis/{quote.pk}/"
    edit = http.get(f"/factures/devis/{quote.pk}/modifier/").content.decode()
    assert f"Devis {quote.number}" in edit and "Enregistrer le devis" in edit
    assert f'<a class="btn secondary" href="/factures/devis/{quote.pk}/">Annuler</a>' in edit
    assert http.get(f"/factures/devis/{quote.pk}/pdf/").content.startswith(b"%PDF")

    http.post(f"/factures/devis/{quote.pk}/decision/", {"decision": "accepter"})
    quote.refresh_from_db()
    assert quote.is_order
    page = http.get(f"/factures/devis/{quote.pk}/").content.decode()
    assert "Facturer le solde de la commande" in page and "Reste à facturer" in page

    bad = http.post(f"/factures/devis/{quote.pk}/facture-partielle/", {"amount_ht": "6000,00"})
    assert "dépasse ce qui reste à facturer" in bad.content.decode() and "6000,00" in bad.content.decode()
    http.post(f"/factures/devis/{quote.pk}/facture-partielle/", {"percent": "30"})
    acompte = Invoice.objects.get(kind=InvoiceKind.ACOMPTE)
    assert acompte.total_ht == 1500 and acompte.dossier == dossier
    http.post(f"/factures/{acompte.pk}/valider/")
    http.post(f"/factures/devis/{quote.pk}/facturer/")
    final = Invoice.objects.get(kind=InvoiceKind.FACTURE)
    assert final.prepaid_ttc == 1800 and final.net_to_pay == 4200


def test_refused_quote_cannot_be_edited(cabinet, client_as, comptable):
    quote = factories.make_quote(cabinet)
    http = client_as(comptable)
    http.post(f"/factures/devis/{quote.pk}/decision/", {"decision": "refuser"})
    response = http.get(f"/factures/devis/{quote.pk}/modifier/")
    assert response.status_code == 302
    assert "Refusé" in http.get("/factures/devis/").content.decode()
