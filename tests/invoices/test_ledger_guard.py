"""Issued documents are append-only in the database itself: raw SQL, bulk update() and the model all get the
refusal, on SQLite and on PostgreSQL (run with DATABASE_URL=postgres://… for the latter)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from geoprod.models import Counter
from invoices import dbguard, numbering, services
from invoices.errors import InvoiceLocked
from invoices.models import (
    MUTABLE_AFTER_ISSUE,
    DocumentEvent,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    LedgerEntry,
    Payment,
)
from tests import factories

pytestmark = pytest.mark.django_db


def _execute(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _refused(sql: str, params=()) -> None:
    with pytest.raises(IntegrityError) as e, transaction.atomic():
        _execute(sql, params)
    assert dbguard.MARK in str(e.value)


def _different_value(field) -> str:
    """An SQL expression giving `field` another value than it has, whatever its type and nullability."""
    col = connection.ops.quote_name(field.column)
    kind = field.get_internal_type()
    if kind in ("DateField",):
        return f"COALESCE({col}, CURRENT_DATE) + 1" if connection.vendor == "postgresql" else "'1999-01-01'"
    if kind == "DateTimeField":
        if connection.vendor == "postgresql":
            return f"COALESCE({col}, now()) + interval '1 day'"
        return "'1999-01-01 00:00:00'"
    if kind in ("CharField", "TextField", "FileField"):
        return f"CASE WHEN {col} = 'x' THEN 'y' ELSE 'x' END"
    if kind == "BooleanField":
        return f"NOT COALESCE({col}, FALSE)" if connection.vendor == "postgresql" else f"1 - COALESCE({col}, 0)"
    return f"COALESCE({col}, 0) + 1"


def _table() -> str:
    return connection.ops.quote_name(Invoice._meta.db_table)


@pytest.fixture
def issued(cabinet):
    return factories.make_invoice(cabinet, issued=True)


def test_every_column_outside_payment_tracking_refuses_raw_update_once_issued(issued):
    fields = [f for f in Invoice._meta.concrete_fields if f.name not in MUTABLE_AFTER_ISSUE]
    assert {f.column for f in fields} == set(dbguard.protected_invoice_columns())
    assert len(fields) >= 29  # every concrete column is walked, including those added later
    for field in fields:
        _refused(
            f"UPDATE {_table()} SET {connection.ops.quote_name(field.column)} = {_different_value(field)} "
            "WHERE id = %s",
            [issued.pk],
        )
    issued.refresh_from_db()
    assert issued.total_ttc == Decimal("1560.00")


def test_a_draft_is_still_freely_written(cabinet):
    draft = factories.make_invoice(cabinet)
    _execute(f"UPDATE {_table()} SET total_ttc = 1, objet = 'autre' WHERE id = %s", [draft.pk])
    _execute(
        f"DELETE FROM {connection.ops.quote_name(InvoiceLine._meta.db_table)} WHERE invoice_id = %s",
        [draft.pk],
    )
    _execute(f"DELETE FROM {_table()} WHERE id = %s", [draft.pk])
    assert not Invoice.objects.filter(pk=draft.pk).exists()


def test_payment_tracking_columns_still_move(issued):
    _execute(
        f"UPDATE {_table()} SET paid_amount = 100, status = %s WHERE id = %s",
        [InvoiceStatus.PARTIALLY_PAID, issued.pk],
    )
    assert Invoice.objects.get(pk=issued.pk).status == InvoiceStatus.PARTIALLY_PAID


def test_raw_delete_of_an_issued_invoice_is_refused(issued):
    _refused(f"DELETE FROM {_table()} WHERE id = %s", [issued.pk])


@pytest.mark.parametrize("status", [InvoiceStatus.DRAFT, "imaginaire"])
def test_raw_status_move_outside_the_legal_table_is_refused(issued, status):
    _refused(f"UPDATE {_table()} SET status = %s WHERE id = %s", [status, issued.pk])


def test_cancelled_is_final_in_the_database(issued):
    _execute(f"UPDATE {_table()} SET status = %s WHERE id = %s", [InvoiceStatus.CANCELLED, issued.pk])
    _refused(f"UPDATE {_table()} SET status = %s WHERE id = %s", [InvoiceStatus.ISSUED, issued.pk])


def test_lines_of_an_issued_invoice_refuse_insert_update_delete(issued):
    table = connection.ops.quote_name(InvoiceLine._meta.db_table)
    line = issued.lines.get()
    _refused(f"UPDATE {table} SET unit_price = 1 WHERE id = %s", [line.pk])
    _refused(f"DELETE FROM {table} WHERE id = %s", [line.pk])
    _refused(
        f"INSERT INTO {table} (invoice_id, position, designation, quantity, unit, unit_price, vat_rate, total_ht) "
        "VALUES (%s, 9, 'ajout', 1, 'u', 1, '20.00', 1)",
        [issued.pk],
    )
    draft = factories.make_invoice(issued.cabinet)
    _refused(f"UPDATE {table} SET invoice_id = %s WHERE id = %s", [draft.pk, line.pk])


def test_bulk_update_and_delete_get_the_french_refusal(issued):
    with pytest.raises(InvoiceLocked, match="émise"), transaction.atomic():
        Invoice.objects.filter(pk=issued.pk).update(total_ttc=Decimal("1.00"))
    with pytest.raises(InvoiceLocked, match="statut"), transaction.atomic():
        Invoice.objects.filter(pk=issued.pk).update(status=InvoiceStatus.DRAFT)
    with pytest.raises(InvoiceLocked), transaction.atomic():
        Invoice.objects.filter(pk=issued.pk).delete()
    assert Invoice.objects.get(pk=issued.pk).total_ttc == Decimal("1560.00")


def test_the_number_counter_cannot_be_deleted_nor_moved_back(issued):
    counter = Counter.objects.get(cabinet=issued.cabinet, name=numbering.SERIES)
    table = connection.ops.quote_name(Counter._meta.db_table)
    _refused(f"DELETE FROM {table} WHERE id = %s", [counter.pk])
    _refused(f"UPDATE {table} SET value = 0 WHERE id = %s", [counter.pk])
    _refused(f"UPDATE {table} SET name = 'autre' WHERE id = %s", [counter.pk])
    with pytest.raises(InvoiceLocked), transaction.atomic(), dbguard.as_invoice_locked():
        Counter.objects.filter(pk=counter.pk).delete()
    assert factories.make_invoice(issued.cabinet, issued=True).number.endswith("-0002")


def test_register_journal_and_payments_are_append_only(issued):
    factories.make_payment(issued, "100.00")
    for model in (LedgerEntry, DocumentEvent, Payment):
        row = model.objects.filter(cabinet=issued.cabinet).first()
        table = connection.ops.quote_name(model._meta.db_table)
        _refused(f"UPDATE {table} SET cabinet_id = cabinet_id WHERE id = %s", [row.pk])
        _refused(f"DELETE FROM {table} WHERE id = %s", [row.pk])
        with pytest.raises(InvoiceLocked):
            row.delete()


def test_the_installer_is_idempotent_and_survives_a_rebuild(issued):
    dbguard.install(connection)
    dbguard.install(connection)
    _refused(f"UPDATE {_table()} SET total_ttc = 1 WHERE id = %s", [issued.pk])
    dbguard.uninstall(connection)
    try:
        _execute(f"UPDATE {_table()} SET objet = 'sans garde' WHERE id = %s", [issued.pk])
    finally:
        dbguard.install(connection)
    _refused(f"UPDATE {_table()} SET objet = 'avec garde' WHERE id = %s", [issued.pk])


def test_a_cabinet_with_issued_documents_cannot_be_deleted(issued):
    from django.db.models import ProtectedError

    with pytest.raises((ProtectedError, InvoiceLocked, IntegrityError)), transaction.atomic():
        issued.cabinet.delete()
    assert Invoice.objects.filter(pk=issued.pk).exists()


def test_services_still_work_under_the_triggers(issued):
    payment = factories.make_payment(issued, "100.00")
    services.reverse_payment(payment=payment, date=payment.date)
    avoir = services.issue_invoice(invoice=services.create_credit_note(invoice=issued))
    issued.refresh_from_db()
    assert issued.status == InvoiceStatus.CANCELLED and avoir.number.endswith("-0002")


@pytest.mark.django_db(transaction=True)
def test_a_migration_that_rebuilds_the_invoice_table_on_sqlite_still_runs(cabinet):
    """Another developer's AddField on Invoice: SQLite copies, drops and renames the table, which its
    ALTER TABLE RENAME refuses while the line triggers name it; migrate lifts them first, then reinstalls."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL alters tables in place")
    from django.apps import apps
    from django.db import models

    issued = factories.make_invoice(cabinet, issued=True)
    column = models.CharField(max_length=10, default="x")
    column.set_attributes_from_name("added_by_someone_else")
    column.model = Invoice
    invoices_app = apps.get_app_config("invoices")
    for change in ("add_field", "remove_field"):
        dbguard.release_before_migrate(sender=invoices_app, using=connection.alias)
        with connection.schema_editor() as editor:
            getattr(editor, change)(Invoice, column)
        dbguard.install_after_migrate(sender=invoices_app, using=connection.alias)
    _refused(f"UPDATE {_table()} SET total_ttc = 1 WHERE id = %s", [issued.pk])
    assert Invoice.objects.get(pk=issued.pk).total_ttc == Decimal("1560.00")
