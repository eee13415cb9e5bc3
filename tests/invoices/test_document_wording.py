"""Each PDF speaks of what it is: the devis can be signed, the avoir is not a bill, acomptes are named."""

from __future__ import annotations

import re
import subprocess
from decimal import Decimal

from invoices import pdf, services
from tests import factories


def pdftotext(data: bytes) -> str:
    """The PDF's text as poppler extracts it, spaces collapsed."""
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout
    return re.sub(r"\s+", " ", out.decode())


def test_devis_carries_a_bon_pour_accord_block(cabinet):
    client = factories.make_client(cabinet, nom="SCI Les Tilleuls")
    quote = factories.make_quote(cabinet, client=client)
    text = pdftotext(pdf.render_quote_pdf(quote))
    assert "Bon pour accord" in text.replace("BON POUR ACCORD", "Bon pour accord")
    assert f"Devis N° {quote.number} accepté par SCI Les Tilleuls" in text
    assert "« Lu et approuvé, bon pour accord »" in text
    assert "Date" in text and "Signature" in text


def test_invoice_has_no_bon_pour_accord_block(cabinet):
    text = pdftotext(factories.make_invoice(cabinet, issued=True).pdf_bytes())
    assert "bon pour accord" not in text.lower()


def test_avoir_is_dated_as_an_avoir_and_carries_no_payment_terms(cabinet):
    original = factories.make_invoice(cabinet, issued=True)
    original_text = pdftotext(original.pdf_bytes())
    assert "Règlement à 30 jours" in original_text and "pénalités" in original_text
    avoir = services.issue_invoice(invoice=services.create_credit_note(invoice=original))
    text = pdftotext(avoir.pdf_bytes())
    assert f"Date de l'avoir {avoir.issue_date:%d/%m/%Y}" in text
    assert "Date de facture" not in text
    assert f"Avoir sur la facture N° {original.number} du {original.issue_date:%d/%m/%Y}" in text
    assert f"Montant à déduire de la facture N° {original.number}" in text and "remboursé" in text
    for payment_wording in ("Règlement à", "échéance", "pénalités", "Escompte", "indemnité forfaitaire"):
        assert payment_wording.lower() not in text.lower(), payment_wording


def test_deducted_acomptes_are_named_factures_d_acompte(cabinet):
    quote = factories.make_quote(cabinet, lines=[("Bornage et division", "1", "1000", "20.00")], accepted=True)
    acompte = services.issue_invoice(invoice=services.invoice_order_part(quote=quote, percent=Decimal("40")))
    solde = services.issue_invoice(invoice=services.invoice_order(quote=quote))
    text = pdftotext(solde.pdf_bytes())
    assert f"Facture d'acompte N° {acompte.number} du {acompte.issue_date:%d/%m/%Y}" in text
    assert "Facture partielle" not in text


def test_avoir_page_speaks_of_an_avoir(cabinet, client_as, comptable):
    original = factories.make_invoice(cabinet, issued=True)
    avoir = services.issue_invoice(invoice=services.create_credit_note(invoice=original))
    page = client_as(comptable).get(f"/factures/{avoir.pk}/").content.decode()
    assert "Date de l&#x27;avoir" in page or "Date de l'avoir" in page
    assert "Date de facture</dt>" not in page and "Échéance</dt>" not in page
    assert "Échéance</dt>" in client_as(comptable).get(f"/factures/{original.pk}/").content.decode()
