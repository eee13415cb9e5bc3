"""Credits never exceed what was billed: per document (a solde's net, an acompte on its own) and per commande."""

from __future__ import annotations

from decimal import Decimal

import pytest

from invoices import services
from invoices.errors import InvoicingError
from invoices.models import InvoiceStatus
from tests import factories


@pytest.fixture
def commande(cabinet):
    """A 1 000 € HT commande at 20 % (1 200 € TTC), an acompte of 40 % (480 € TTC) and its solde (net 720 €)."""
    quote = factories.make_quote(cabinet, lines=[("Bornage et division", "1", "1000", "20.00")], accepted=True)
    acompte = services.issue_invoice(invoice=services.invoice_order_part(quote=quote, percent=Decimal("40")))
    solde = services.issue_invoice(invoice=services.invoice_order(quote=quote))
    assert (solde.total_ttc, solde.prepaid_ttc, solde.net_to_pay) == (
        Decimal("1200.00"),
        Decimal("480.00"),
        Decimal("720.00"),
    )
    return quote, acompte, solde


def test_total_avoir_on_a_solde_credits_only_its_net(commande):
    quote, acompte, solde = commande
    draft = services.create_credit_note(invoice=solde)
    assert [line.designation for line in draft.lines.all()][-1].startswith(f"Acompte N° {acompte.number}")
    avoir = services.issue_invoice(invoice=draft)
    solde.refresh_from_db()
    assert avoir.total_ttc == Decimal("720.00")
    assert solde.status == InvoiceStatus.CANCELLED and solde.creditable_amount == 0
    assert services.invoiced_ht(quote) == Decimal("400.00")  # what the acompte still bills


def test_acompte_is_credited_on_its_own_and_the_commande_reaches_zero_not_below(commande):
    quote, acompte, solde = commande
    services.issue_invoice(invoice=services.create_credit_note(invoice=solde))
    avoir = services.issue_invoice(invoice=services.create_credit_note(invoice=acompte))
    assert avoir.total_ttc == Decimal("480.00")
    assert services.invoiced_ht(quote) == Decimal("0.00")
    for invoice in (solde, acompte):
        invoice.refresh_from_db()
        with pytest.raises(InvoicingError):
            services.create_credit_note(invoice=invoice, lines=[services.LineInput("Geste", Decimal("1"))])


def test_a_partial_avoir_above_the_solde_net_is_refused(commande):
    _, _, solde = commande
    with pytest.raises(InvoicingError, match="720,00\xa0€ TTC"):
        services.create_credit_note(invoice=solde, lines=[services.LineInput("Remise", Decimal("600.01"))])


def test_the_commande_total_never_goes_below_zero(commande):
    quote, acompte, solde = commande
    # 700 € HT at 2,1 % fits in the solde's 720 € TTC, but the commande only has 600 € HT billed on it …
    services.issue_invoice(
        invoice=services.create_credit_note(
            invoice=solde, lines=[services.LineInput("Remise", Decimal("700"), vat_rate="2.10")]
        )
    )
    assert services.invoiced_ht(quote) == Decimal("300.00")
    # … so crediting the 400 € HT acompte too would take the commande below zero.
    draft = services.create_credit_note(invoice=acompte)
    with pytest.raises(InvoicingError, match="dépasse ce qui reste facturé sur la commande"):
        services.issue_invoice(invoice=draft)
    assert services.invoiced_ht(quote) == Decimal("300.00")

