"""Status words agree in gender: an avoir and a devis are masculine."""

from __future__ import annotations

import pytest

from invoices import services
from invoices.errors import InvoicingError
from invoices.models import QuoteStatus
from tests import factories


def test_validating_an_avoir_says_it_is_valide_masculine(cabinet, client_as, comptable):
    original = factories.make_invoice(cabinet, issued=True)
    avoir = services.create_credit_note(invoice=original)
    page = client_as(comptable).post(f"/factures/{avoir.pk}/valider/", follow=True).content.decode()
    assert "a été validé et numéroté." in page
    assert "Émis" in page and "Émise" not in page


def test_validating_an_invoice_keeps_the_feminine(cabinet, client_as, comptable):
    invoice = factories.make_invoice(cabinet)
    page = client_as(comptable).post(f"/factures/{invoice.pk}/valider/", follow=True).content.decode()
    assert "a été validée et numérotée." in page


def test_devis_statuses_are_masculine():
    assert QuoteStatus.ACCEPTED.label.startswith("Accepté ")
    assert QuoteStatus.REFUSED.label == "Refusé"


def test_an_issued_avoir_is_refused_in_the_masculine(cabinet):
    original = factories.make_invoice(cabinet, issued=True)
    avoir = services.issue_invoice(invoice=services.create_credit_note(invoice=original))
    with pytest.raises(InvoicingError, match=rf"^L'avoir {avoir.number} est déjà émis\.$"):
        services.issue_invoice(invoice=avoir)
    with pytest.raises(InvoicingError, match="est émis : il ne peut pas être supprimé."):
        services.delete_draft(invoice=avoir)
    with pytest.raises(InvoicingError, match=rf"^La facture {original.number} est émise : elle ne peut plus"):
        original.save()
