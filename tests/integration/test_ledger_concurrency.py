"""50 « Valider » at once on PostgreSQL, factures and avoirs on one invoice mixed: the series stays gapless
and chronological, its register chain verifies, and the avoirs beyond the invoice's TTC are refused."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from geoprod.models import Counter
from invoices import numbering, services
from invoices.errors import InvoicingError
from invoices.models import Invoice, InvoiceKind, LedgerEntry
from invoices.services import ledger
from tests import factories

FACTURES, AVOIRS = 40, 10


@pytest.mark.integration
def test_concurrent_validations_and_avoirs_keep_the_ledger_whole(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks (SELECT … FOR UPDATE) need PostgreSQL: set DATABASE_URL=postgres://…")
    cabinet = factories.make_cabinet(invoice_prefix="FA-")
    client = factories.make_client(cabinet)
    original = factories.make_invoice(cabinet, client=client, issued=True)  # 1 560,00 € TTC
    part = [
        services.LineInput(designation="Avoir partiel", quantity=Decimal("1"), unit_price=Decimal("520.00"))
    ]
    drafts = [factories.make_invoice(cabinet, client=client) for _ in range(FACTURES)]
    drafts += [services.create_credit_note(invoice=original, lines=part) for _ in range(AVOIRS)]  # 624 € each
    barrier = threading.Barrier(len(drafts))
    refused: list[InvoicingError] = []
    errors: list[BaseException] = []

    def validate(draft: Invoice) -> None:
        try:
            barrier.wait()
            services.issue_invoice(invoice=draft)
        except InvoicingError as e:
            refused.append(e)
        except BaseException as e:  # collected and reported by the main thread
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=validate, args=(draft,)) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(refused) == AVOIRS - 2 and all("dépasse" in e.message for e in refused)
    issued = Invoice.objects.filter(cabinet=cabinet).exclude(number=None)
    expected = 1 + FACTURES + 2
    assert sorted(int(n.rsplit("-", 1)[1]) for n in issued.values_list("number", flat=True)) == list(
        range(1, expected + 1)
    )
    assert Counter.objects.get(cabinet=cabinet, name=numbering.SERIES).value == expected
    entries = list(LedgerEntry.objects.filter(cabinet=cabinet).order_by("sequence"))
    assert [e.issue_date for e in entries] == sorted(e.issue_date for e in entries)
    assert [e.number for e in entries] == sorted(e.number for e in entries)
    original.refresh_from_db()
    credited = sum(i.total_ttc for i in issued.filter(kind=InvoiceKind.AVOIR))
    assert original.credited_amount == credited == Decimal("1248.00") <= original.total_ttc
    report = ledger.verify_ledger(cabinet=cabinet)
    assert report.ok, report.problems
    assert report.checked == expected
