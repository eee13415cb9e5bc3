"""A stored search text for the invoice list's totals row on PostgreSQL (SQLite: nothing).

`search_text` is `UPPER(number) || U+001F || UPPER(objet)`, a column PostgreSQL computes itself when a
row is written (GENERATED ... STORED; unknown to the Django model, never written by it). A search's
totals then test one plain LIKE per invoice instead of upper-casing two texts per invoice: a search
matching a quarter of a cabinet's 100 000 invoices is added up several times faster, and a trigram index
on it keeps the few-matches searches on an index; a covering index adds up the broad ones. U+001F cannot be part of a search text
(geoprod.search.terms turns it into a space), so a match never straddles the number and the objet:
`search_text LIKE UPPER('%t%')` is exactly `number icontains t OR objet icontains t`.
"""

from django.db import migrations

COLUMN = (
    'ALTER TABLE "invoices_invoice" ADD COLUMN IF NOT EXISTS "search_text" text '
    "GENERATED ALWAYS AS (COALESCE(UPPER(\"number\"::text), '') || E'\\x1f' || "
    "COALESCE(UPPER(\"objet\"::text), '')) STORED"
)
INDEX = (
    'CREATE INDEX IF NOT EXISTS "invoices_invoice_search_text_trgm" ON "invoices_invoice" '
    'USING gin ("cabinet_id", "search_text" gin_trgm_ops)'
)

# A search matching a large share of a cabinet's invoices is added up from this index alone (an index-only
# scan of the cabinet's entries, one LIKE each), the period filter as its range: the trigram index then
# serves the searches matching few invoices.
COVERING = (
    'CREATE INDEX IF NOT EXISTS "invoices_invoice_search_covering" ON "invoices_invoice" '
    '("cabinet_id", "issue_date") INCLUDE ("search_text", "id", "kind", "status", "total_ht", "total_vat", '
    '"total_ttc", "net_to_pay", "paid_amount", "credited_amount")'
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(COLUMN)
    schema_editor.execute(INDEX)
    schema_editor.execute(COVERING)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute('DROP INDEX IF EXISTS "invoices_invoice_search_covering"')
    schema_editor.execute('DROP INDEX IF EXISTS "invoices_invoice_search_text_trgm"')
    schema_editor.execute('ALTER TABLE "invoices_invoice" DROP COLUMN IF EXISTS "search_text"')


class Migration(migrations.Migration):
    dependencies = [("invoices", "0024_invoice_day_totals")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
