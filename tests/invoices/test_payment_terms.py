"""Payment terms within the law (B2B 60 days or 45 days end of month, public buyers 30 days, particuliers
free) and the late-payment rate stated at issue: ECB + 8 points for public buyers, read back by relances."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from invoices import facturx, facturx_validation, services, terms
from invoices.errors import InvoicingError
from invoices.models import EcbRate, Invoice
from tests import factories
from tests.utils import body, pdf_pages


@pytest.mark.parametrize(
    ("days", "end_of_month", "match"),
    [(61, False, "ne peut dépasser 60 jours"), (46, True, "ne peut dépasser 45 jours fin de mois")],
)
def test_b2b_terms_above_the_cap_are_refused_with_the_rule(cabinet, days, end_of_month, match):
    with pytest.raises(InvoicingError, match=match) as e:
        factories.make_invoice(cabinet, payment_terms_days=days, payment_end_of_month=end_of_month)
    assert "L441-10" in e.value.message and e.value.field == "payment_terms_days"


def test_b2b_45_days_end_of_month_falls_on_the_last_day_of_the_month(cabinet):
    invoice = factories.make_invoice(cabinet, payment_terms_days=45, payment_end_of_month=True, issued=True)
    expected = terms.due_date(invoice.issue_date, 45, end_of_month=True)
    assert invoice.due_date == expected and (expected + datetime.timedelta(days=1)).day == 1
    assert factories.make_invoice(cabinet, payment_terms_days=60, issued=True).due_date == (
        invoice.issue_date + datetime.timedelta(days=60)
    )


def test_public_buyers_pay_within_30_days(cabinet):
    mairie = factories.make_public_client(cabinet)
    for days, end_of_month in ((31, False), (30, True)):
        with pytest.raises(InvoicingError, match="R2192-10"):
            factories.make_invoice(
                cabinet, client=mairie, payment_terms_days=days, payment_end_of_month=end_of_month
            )
    factories.make_invoice(cabinet, client=mairie, payment_terms_days=30)


@pytest.mark.parametrize(
    ("term", "label"), [(50, "établissement public de santé"), (60, "entreprise publique")]
)
def test_a_hospital_or_a_public_company_may_be_given_its_longer_term(cabinet, term, label):
    buyer = factories.make_public_client(cabinet, delai_paiement_public=term)
    assert label in buyer.get_delai_paiement_public_display()
    with pytest.raises(InvoicingError, match=f"sous {term} jours au plus"):
        factories.make_invoice(cabinet, client=buyer, payment_terms_days=term + 1)
    assert factories.make_invoice(cabinet, client=buyer, payment_terms_days=term).payment_terms_days == term


def test_particuliers_are_free(cabinet):
    particulier = factories.make_client(cabinet, categorie="particulier", siret="")
    invoice = factories.make_invoice(cabinet, client=particulier, payment_terms_days=120, issued=True)
    assert invoice.due_date == invoice.issue_date + datetime.timedelta(days=120)


def test_terms_are_checked_again_at_issue(cabinet):
    mairie = factories.make_public_client(cabinet)
    draft = factories.make_invoice(cabinet, client=mairie, payment_terms_days=30)
    Invoice.objects.filter(pk=draft.pk).update(payment_terms_days=90)  # a draft written before the rule
    with pytest.raises(InvoicingError, match="30 jours au plus"):
        services.issue_invoice(invoice=draft)
    assert Invoice.objects.get(pk=draft.pk).number is None


def test_the_form_refuses_a_long_term_in_french_and_keeps_the_input(cabinet, client_as, comptable):
    customer = factories.make_client(cabinet)
    data = {
        "client": customer.pk,
        "objet": "Bornage tardif",
        "payment_terms_days": "120",
        "vat_regime": "encaissements",
        "footer_text": "",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-designation": "Bornage",
        "lines-0-quantity": "1",
        "lines-0-unit": "forfait",
        "lines-0-unit_price": "100",
        "lines-0-vat_rate": "20.00",
    }
    response = client_as(comptable).post("/factures/nouvelle/", data)
    page = body(response)
    assert response.status_code == 200
    assert "ne peut dépasser 60 jours" in page and 'value="Bornage tardif"' in page
    assert not Invoice.objects.filter(objet="Bornage tardif").exists()


def test_public_buyer_gets_ecb_plus_8_points_and_the_40_euro_indemnity(cabinet):
    mairie = factories.make_public_client(cabinet)
    invoice = factories.make_invoice(cabinet, client=mairie, payment_terms_days=30)
    start = terms.semester_start(timezone.localdate() + datetime.timedelta(days=31))
    # The staff record a decision taking effect the day before that half-year: it is the rate in force.
    EcbRate.objects.create(valid_from=start - datetime.timedelta(days=1), rate=Decimal("1.90"))
    invoice = services.issue_invoice(invoice=invoice)
    assert invoice.late_rate == Decimal("9.90")
    text = " ".join(pdf_pages(invoice.pdf_bytes()))
    assert "intérêts moratoires au taux BCE + 8 points, soit 9,9 % l'an (taux BCE de 1,9 %" in text
    assert "indemnité forfaitaire pour frais de recouvrement de 40,00 €" in text
    assert "12,15" not in text  # never the private penalty rate
    xml = facturx.xml_from_pdf(invoice.pdf_bytes())
    assert facturx_validation.validate(xml, french_rules=True).ok


def test_the_seeded_ecb_table_holds_the_real_rates(db):
    assert EcbRate.in_force_on(datetime.date(2024, 1, 1)) == Decimal("4.50")
    assert EcbRate.in_force_on(datetime.date(2025, 7, 1)) == Decimal("2.15")
    assert EcbRate.in_force_on(datetime.date(2015, 1, 1)) is None


def test_companies_get_the_cabinet_rate_and_relances_read_the_rate_stated_on_the_invoice(cabinet):
    invoice = factories.make_invoice(cabinet, issued=True)  # 1 560 € TTC, 30 days, cabinet rate 12,15 %
    assert invoice.late_rate == Decimal("12.15")
    assert "pénalités au taux annuel de 12,15 %" in " ".join(pdf_pages(invoice.pdf_bytes()))
    cabinet.late_penalty_rate = Decimal("20.00")
    cabinet.save()
    reminder = services.send_reminder(invoice=invoice, today=invoice.due_date + datetime.timedelta(days=73))
    assert reminder.penalties == Decimal("37.91")  # 1 560 × 12,15 % × 73 / 365
    letter = " ".join(pdf_pages(reminder.pdf.read()))
    assert "12,15 % l'an" in letter and "20 %" not in letter


def test_an_emptied_ecb_table_is_seeded_again_after_migrate_but_a_kept_one_is_left_alone(db):
    import importlib

    from invoices import ecb_rates

    migration = importlib.import_module("invoices.migrations.0007_seed_ecb_rates")
    assert [(datetime.date.fromisoformat(d), Decimal(r)) for d, r in migration.RATES] == ecb_rates.RATES
    EcbRate.objects.all().delete()
    ecb_rates.seed_if_empty()
    assert EcbRate.objects.count() == len(ecb_rates.RATES)
    EcbRate.objects.exclude(valid_from=datetime.date(2025, 6, 11)).delete()
    ecb_rates.seed_if_empty()
    assert EcbRate.objects.count() == 1


def test_a_public_buyer_gets_the_cabinet_term_capped_at_30_days_by_default(cabinet):
    cabinet.payment_terms_days = 45
    cabinet.save()
    quote = factories.make_quote(cabinet, client=factories.make_public_client(cabinet), accepted=True)
    assert services.invoice_order(quote=quote).payment_terms_days == 30
    assert factories.make_invoice(cabinet).payment_terms_days == 45
