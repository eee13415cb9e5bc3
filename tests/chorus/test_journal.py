"""The Chorus Pro deposit and « Soumettre » appear in the invoice's « Historique »."""

from __future__ import annotations

import pytest

from invoices.models import DocumentAction, DocumentEvent
from tests import factories

pytestmark = pytest.mark.django_db


def test_deposit_and_submit_are_journaled_on_the_invoice(chorus, account, issued_invoice):
    sub = factories.make_submission(issued_invoice, account, lookup=True, service_code="URBA", submit=True)
    events = DocumentEvent.objects.filter(invoice=issued_invoice).order_by("at", "id")
    assert [e.action for e in events][-2:] == [DocumentAction.CHORUS_DEPOSITED, DocumentAction.SENT]
    assert events.last().detail == f"Chorus Pro n° {sub.identifiant_facture_cpp}"
