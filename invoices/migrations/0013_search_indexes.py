"""Indexes for the lists' search box on PostgreSQL: trigram GIN indexes on the texts a search reads
(`UPPER(col::text)`, the expression Django's icontains compares), led by cabinet_id (btree_gin) so that a
search stays inside one cabinet's rows, btree indexes on the amounts, and covering indexes for the
tableau de bord. SQLite has no such index
types: there the search is a plain scan of the cabinet's rows, and this migration does nothing."""

from django.db import migrations

TRIGRAM = [
    ("invoices_invoice", "number"),
    ("invoices_invoice", "objet"),
    ("invoices_quote", "number"),
    ("invoices_quote", "objet"),
    ("invoices_payment", "reference"),
    ("clients_client", "nom"),
    ("clients_dossier", "numero"),
    ("clients_dossier", "objet"),
]
AMOUNTS = [
    ("invoices_invoice", "total_ht"),
    ("invoices_invoice", "total_ttc"),
    ("invoices_invoice", "net_to_pay"),
    ("invoices_quote", "total_ht"),
    ("invoices_quote", "total_ttc"),
    ("invoices_payment", "amount"),
]

# The tableau de bord's aggregates read only these columns: covering indexes let PostgreSQL answer them
# from the index (an index-only scan) instead of visiting every row of the period. Receivables are a
# partial index: open invoices are few beside the paid ones.
COVERING = {
    "invoices_invoice_dashboard_month": 'ON "invoices_invoice" ("cabinet_id", "issue_date") '
    'INCLUDE ("kind", "status", "total_ht", "prepaid_ht", "client_id")',
    "invoices_invoice_dashboard_open": 'ON "invoices_invoice" ("cabinet_id", "due_date") '
    'INCLUDE ("kind", "net_to_pay", "paid_amount", "credited_amount") '
    "WHERE status IN ('emise', 'partiellement_payee')",
    "invoices_payment_dashboard_month": 'ON "invoices_payment" ("cabinet_id", "date") INCLUDE ("amount")',
}


def _name(table: str, column: str, kind: str) -> str:
    return f"{table}_{column}_{kind}"[:63]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
    for table, column in TRIGRAM:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{_name(table, column, "trgm")}" ON "{table}" '
            f'USING gin ("cabinet_id", (UPPER("{column}"::text)) gin_trgm_ops)'
        )
    for table, column in AMOUNTS:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{_name(table, column, "amount")}" ON "{table}" ("cabinet_id", "{column}")'
        )
    for name, definition in COVERING.items():
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" {definition}')


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column in TRIGRAM:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{_name(table, column, "trgm")}"')
    for table, column in AMOUNTS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{_name(table, column, "amount")}"')
    for name in COVERING:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("invoices", "0012_merge_chorus_abandoned_and_verbose_names"),
        ("clients", "0004_merge_chorus_recipient_and_verbose_names"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
