"""Indexes for the invoice list and the tableau de bord's receivables on PostgreSQL (SQLite: nothing).

- A covering index in the list's order, the cabinet first: (cabinet_id, issue_date DESC, id DESC) with
  every column the list's filters, search and totals read INCLUDEd, so that the exact totals row, the
  choice of a page (ids only, see geoprod.pagination.RowsPaginator) and the filters are answered by an
  index-only scan of the cabinet's entries, never by visiting the table's rows.
- A partial index on the receivables (open factures and acomptes, avoirs left out), ordered by due date,
  for the unpaid ageing and the list's « en retard » filter and its totals: a few thousand entries
  beside a cabinet's hundred thousand invoices.
"""

from django.db import migrations

INDEXES = {
    "invoices_invoice_list_covering": 'ON "invoices_invoice" ("cabinet_id", "issue_date" DESC, "id" DESC) '
    'INCLUDE ("status", "kind", "client_id", "dossier_id", "due_date", "total_ht", "total_vat", "total_ttc", '
    '"net_to_pay", "paid_amount", "credited_amount", "number", "objet")',
    "invoices_invoice_receivable": 'ON "invoices_invoice" ("cabinet_id", "due_date") '
    'INCLUDE ("id", "net_to_pay", "paid_amount", "credited_amount", "status", "kind", "total_ht", "total_vat", '
    '"total_ttc") '
    "WHERE status IN ('emise', 'partiellement_payee') AND kind <> 'avoir'",
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" {definition}')


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("invoices", "0022_dashboard_monthly_figures")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
