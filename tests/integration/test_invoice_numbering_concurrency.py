"""50 « Valider » at the same time on PostgreSQL give 50 distinct, consecutive numbers."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from geoprod.models import Counter
from invoices import numbering, services
from invoices.models import Invoice
from tests import factories

WORKERS = 50


@pytest.mark.integration
def test_concurrent_validations_allocate_a_gapless_series(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks (SELECT … FOR UPDATE) need PostgreSQL: set DATABASE_URL=postgres://…")
    cabinet = factories.make_cabinet(invoice_prefix="FA-")
    client = factories.make_client(cabinet)
    drafts = [factories.make_invoice(cabinet, client=client) for _ in range(WORKERS)]
    barrier = threading.Barrier(WORKERS)
    errors: list[BaseException] = []

    def validate(draft: Invoice) -> None:
        try:
            barrier.wait()
            services.issue_invoice(invoice=draft)
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
    numbers = list(Invoice.objects.filter(cabinet=cabinet).values_list("number", flat=True))
    assert len(set(numbers)) == WORKERS
    assert sorted(int(n.rsplit("-", 1)[1]) for n in numbers) == list(range(1, WORKERS + 1))
    assert Counter.objects.get(cabinet=cabinet, name=numbering.SERIES).value == WORKERS
    assert all(Invoice.objects.get(number=n, cabinet=cabinet).pdf_sha256 for n in numbers)
