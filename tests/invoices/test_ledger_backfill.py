"""Documents issued before the register existed are inscribed by migration 0005, in validation order."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps

from invoices.models import LedgerEntry
from invoices.services import ledger
from tests import factories

pytestmark = pytest.mark.django_db

backfill = importlib.import_module("invoices.migrations.0005_ledger_backfill").backfill


def test_legacy_documents_are_chained_and_then_verify(cabinet, other_cabinet, monkeypatch):
    monkeypatch.setattr(ledger, "register_issue", lambda **kwargs: None)  # as issued before the register
    day = datetime.date(2026, 3, 2)
    first = factories.make_invoice(cabinet, issued=True, today=day)
    factories.make_invoice(other_cabinet, issued=True, today=day)
    second = factories.make_invoice(cabinet, issued=True, today=day)
    assert not ledger.verify_ledger(cabinet=cabinet).ok
    monkeypatch.undo()

    backfill(apps, None)
    backfill(apps, None)  # a second run adds nothing

    entries = list(LedgerEntry.objects.filter(cabinet=cabinet).order_by("sequence"))
    assert [(e.sequence, e.invoice_id) for e in entries] == [(1, first.pk), (2, second.pk)]
    assert ledger.verify_ledger(cabinet=cabinet).ok
    assert ledger.verify_ledger(cabinet=other_cabinet).ok
    third = factories.make_invoice(cabinet, issued=True, today=day)
    assert LedgerEntry.objects.get(invoice=third).previous_hash == entries[-1].chain_hash
    assert ledger.verify_ledger(cabinet=cabinet).ok
