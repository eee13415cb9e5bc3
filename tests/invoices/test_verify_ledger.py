"""verify_ledger names the first document whose PDF, XML or row no longer matches its chained hash, a
deleted document, a gap and an out-of-order date; an untouched register passes."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from invoices import dbguard, facturx
from invoices.models import Invoice, LedgerEntry
from invoices.services import ledger
from tests import factories

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 9, 3)


@pytest.fixture
def series(cabinet):
    """Three issued documents (facture, facture, avoir on the first), in date order."""
    first = factories.make_invoice(cabinet, issued=True, today=DAY)
    second = factories.make_invoice(cabinet, issued=True, today=DAY + datetime.timedelta(days=1))
    from invoices import services

    avoir = services.issue_invoice(
        invoice=services.create_credit_note(invoice=first), today=DAY + datetime.timedelta(days=2)
    )
    return [first, second, avoir]


def _without_triggers(sql: str, params) -> None:
    """What someone with database access does: lift the triggers, write, put them back."""
    dbguard.uninstall(connection)
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        dbguard.install(connection)


def test_an_untouched_register_verifies(cabinet, series):
    report = ledger.verify_ledger(cabinet=cabinet)
    assert report.ok, report.problems
    assert report.checked == 3
    entries = list(LedgerEntry.objects.filter(cabinet=cabinet).order_by("sequence"))
    assert [e.invoice_id for e in entries] == [i.pk for i in series]
    assert entries[0].previous_hash == ledger.GENESIS
    assert [e.previous_hash for e in entries[1:]] == [e.chain_hash for e in entries[:-1]]
    xml = facturx.xml_from_pdf(series[1].pdf_bytes())
    assert entries[1].xml_sha256 == hashlib.sha256(xml).hexdigest()


def test_it_names_a_pdf_with_one_byte_changed_on_disk(cabinet, series):
    path = series[1].pdf.path
    with open(path, "rb") as f:
        content = bytearray(f.read())
    content[len(content) // 2] ^= 0x01
    with open(path, "wb") as f:
        f.write(content)
    report = ledger.verify_ledger(cabinet=cabinet)
    assert report.problems == [
        f"Le PDF de la pièce {series[1].number} a été modifié (empreinte SHA-256 différente)."
    ]


def test_it_names_a_row_changed_by_raw_sql_with_triggers_disabled(cabinet, series):
    table = connection.ops.quote_name(Invoice._meta.db_table)
    _without_triggers(f"UPDATE {table} SET total_ttc = 1, net_to_pay = 1 WHERE id = %s", [series[1].pk])
    report = ledger.verify_ledger(cabinet=cabinet)
    assert report.summary() == (
        f"La pièce {series[1].number} a été modifiée dans la base (empreinte chaînée différente)."
    )


def test_it_names_a_deleted_document(cabinet, series):
    lines = connection.ops.quote_name("invoices_invoiceline")
    _without_triggers(f"DELETE FROM {lines} WHERE invoice_id = %s", [series[1].pk])
    _without_triggers(
        f"DELETE FROM {connection.ops.quote_name('invoices_invoice')} WHERE id = %s", [series[1].pk]
    )
    report = ledger.verify_ledger(cabinet=cabinet)
    assert report.problems == [f"La pièce {series[1].number} a été supprimée de la base."]


def test_it_names_a_gap_when_the_register_row_goes_too(cabinet, series):
    table = connection.ops.quote_name(LedgerEntry._meta.db_table)
    _without_triggers(f"DELETE FROM {table} WHERE invoice_id = %s", [series[1].pk])
    report = ledger.verify_ledger(cabinet=cabinet)
    assert (
        report.summary() == f"Trou dans la numérotation : le rang 2 manque après la pièce {series[0].number}."
    )
    assert f"La pièce {series[1].number} émise n'est pas inscrite au registre." in report.problems


def test_it_names_an_out_of_order_date(cabinet, series):
    table = connection.ops.quote_name(LedgerEntry._meta.db_table)
    _without_triggers(f"UPDATE {table} SET issue_date = %s WHERE invoice_id = %s", [DAY, series[2].pk])
    _without_triggers(
        f"UPDATE {table} SET issue_date = %s WHERE invoice_id = %s",
        [DAY + datetime.timedelta(days=5), series[1].pk],
    )
    report = ledger.verify_ledger(cabinet=cabinet)
    assert report.problems[0].startswith(f"Date hors ordre : la pièce {series[2].number} du 03/09/2026")


def test_the_command_reports_and_fails(cabinet, series, capsys):
    call_command("verify_ledger", cabinet=cabinet.pk)
    assert "Registre intègre : 3 pièces vérifiées" in capsys.readouterr().out
    with open(series[0].pdf.path, "ab") as f:
        f.write(b"%")
    with pytest.raises(CommandError, match="Registre altéré"):
        call_command("verify_ledger")
    assert f"Le PDF de la pièce {series[0].number} a été modifié" in capsys.readouterr().out
