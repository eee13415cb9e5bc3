"""The list's covering index carries the stored search text (PostgreSQL only; SQLite: nothing).

A search is tested on `search_text` (migration 0025) everywhere on PostgreSQL: the choice of a page and
the totals row. The covering index of migration 0023 now INCLUDEs `search_text` instead of `number` and
`objet`, so that the totals of a search matching a quarter of a cabinet's 100 000 invoices are added by
an index-only scan of that cabinet's entries (every column they read is in the index) instead of a visit
of each row.

The planner chooses between that scan and the trigram index of `search_text` (migration 0025) from its
estimate of how many invoices a search matches. With the default statistics (100 entries) it took a
common word for a rare one: for « Bornage » with a status and a period it combined the trigram index
(250 000 entries of every cabinet read, about 80 ms) with the status index. `search_text` keeps 1 000
statistics entries: the estimate is then close (3 700 for 4 950 found), a common word is added up from
the covering index and a rare one (an AB 1234 parcel, an amount, a SIRET) through the trigram index.

The trigram indexes on UPPER(number) and UPPER(objet) are no longer read (`search_text` replaces them)
and are dropped: they only cost writes.
"""

from django.db import migrations

COVERING = (
    'CREATE INDEX IF NOT EXISTS "invoices_invoice_list_covering" ON "invoices_invoice" '
    '("cabinet_id", "issue_date" DESC, "id" DESC) '
    'INCLUDE ("status", "kind", "client_id", "dossier_id", "due_date", "total_ht", "total_vat", "total_ttc", '
    '"net_to_pay", "paid_amount", "credited_amount", "search_text")'
)
PREVIOUS = (
    'CREATE INDEX IF NOT EXISTS "invoices_invoice_list_covering" ON "invoices_invoice" '
    '("cabinet_id", "issue_date" DESC, "id" DESC) '
    'INCLUDE ("status", "kind", "client_id", "dossier_id", "due_date", "total_ht", "total_vat", "total_ttc", '
    '"net_to_pay", "paid_amount", "credited_amount", "number", "objet")'
)
STATISTICS = 'ALTER TABLE "invoices_invoice" ALTER COLUMN "search_text" SET STATISTICS {}'
TRIGRAMS = {
    "invoices_invoice_number_trgm": 'ON "invoices_invoice" USING gin ("cabinet_id", UPPER("number"::text) gin_trgm_ops)',
    "invoices_invoice_objet_trgm": 'ON "invoices_invoice" USING gin ("cabinet_id", UPPER("objet"::text) gin_trgm_ops)',
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute('DROP INDEX IF EXISTS "invoices_invoice_list_covering"')
    schema_editor.execute(COVERING)
    schema_editor.execute(STATISTICS.format(1000))
    for name in TRIGRAMS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute('DROP INDEX IF EXISTS "invoices_invoice_list_covering"')
    schema_editor.execute(PREVIOUS)
    schema_editor.execute(STATISTICS.format(-1))
    for name, definition in TRIGRAMS.items():
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" {definition}')


class Migration(migrations.Migration):
    dependencies = [("invoices", "0025_invoice_search_text")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
