"""The issued PDF carries every mandatory mention (text extracted with pypdf)."""

from __future__ import annotations

from invoices import services
from tests import factories
from tests.utils import pdf_pages

LONG = [(f"Relevé topographique, secteur {i}\nparcelle AB {i}", "1.5", "480.00", "20.00") for i in range(60)]


def pages_text(invoice) -> list[str]:
    return pdf_pages(invoice.pdf_bytes())


def text_of(invoice) -> str:
    return " ".join(pages_text(invoice))


def test_invoice_to_a_professional_has_every_mention(cabinet):
    cabinet.ordre_geometres = "04521"
    cabinet.save()
    client = factories.make_client(
        cabinet,
        nom="SCI Les Tilleuls",
        adresse="4 rue des Lilas",
        siret="73282932000074",
        categorie="entreprise",
    )
    dossier = factories.make_dossier(cabinet, client=client, objet="Bornage parcelle AB 123")
    invoice = factories.make_invoice(
        cabinet,
        dossier=dossier,
        lines=[
            ("Bornage amiable contradictoire", "1", "1300.00", "20.00"),
            ("Frais de publication", "1", "60.00", "10.00"),
        ],
        issued=True,
        numero_engagement="EJ-2026-77",
    )
    text = text_of(invoice)
    for mention in [
        "Géomètres Experts Garonne",
        "12 allée Jean Jaurès",
        "SIRET 81234567600017",
        "SIREN 812345676",
        "FR19812345676",
        "RCS Toulouse 812 345 676",
        "SELARL au capital de 10 000,00 €",
        "SCI Les Tilleuls",
        "4 rue des Lilas",
        "SIREN 732829320",
        f"Facture N° {invoice.number}",
        f"Date de facture {invoice.issue_date:%d/%m/%Y}",
        "Date de la prestation",
        "Quantité",
        "Prix unitaire HT",
        "1 300,00 €",
        "20 %",
        "10 %",
        "Total HT 1 360,00 €",
        "Total TVA 266,00 €",
        "Total TTC 1 626,00 €",
        "Net à payer 1 626,00 €",
        f"Date d'échéance : {invoice.due_date:%d/%m/%Y}",
        "12,15 %",
        "40,00 €",
        "Escompte pour paiement anticipé : néant",
        "IBAN FR76 3000 6000 0112 3456 7890 189",
        "BIC AGRIFRPP",
        "Règlement à 30 jours date de facture.",
        "EJ-2026-77",
        "prestations de services",
    ]:
        assert mention.replace(" ", "") in text.replace(" ", "").replace("\xa0", ""), mention


def test_consumer_invoice_has_no_fixed_indemnity(cabinet):
    client = factories.make_client(cabinet, nom="M. Jean Dupont", categorie="particulier")
    text = text_of(factories.make_invoice(cabinet, client=client, issued=True))
    assert "40,00" not in text
    assert "indemnité forfaitaire" not in text


def test_vat_regime_mentions(cabinet):
    debits = factories.make_invoice(cabinet, vat_regime="debits", issued=True)
    exempt = factories.make_invoice(
        cabinet,
        lines=[("Bornage", "1", "100", "0.00")],
        vat_regime="exoneration",
        exemption_code="261-D",
        issued=True,
    )
    franchise_cabinet = factories.make_cabinet(vat_franchise=True, tva_intracom="")
    franchise = factories.make_invoice(franchise_cabinet, lines=[("Bornage", "1", "100", "0.00")], issued=True)
    assert "Option pour le paiement de la taxe d'après les débits" in text_of(debits)
    assert "article 261 D du CGI" in text_of(exempt)
    assert "TVA non applicable, art. 293 B du CGI" in text_of(franchise)


def test_avoir_references_the_original_number_and_date(cabinet):
    original = factories.make_invoice(cabinet, issued=True)
    avoir = services.issue_invoice(invoice=services.create_credit_note(invoice=original))
    text = text_of(avoir)
    assert f"Avoir N° {avoir.number}" in text
    assert f"Avoir sur la facture N° {original.number} du {original.issue_date:%d/%m/%Y}" in text


def test_multi_page_invoice_has_its_number_on_every_page(cabinet):
    invoice = factories.make_invoice(cabinet, lines=LONG, issued=True)
    pages = pages_text(invoice)
    assert len(pages) >= 3
    for i, page in enumerate(pages, start=1):
        assert f"Facture N° {invoice.number}" in page
        assert f"Page {i} / {len(pages)}" in page
    assert "Net à payer" in pages[-1]
