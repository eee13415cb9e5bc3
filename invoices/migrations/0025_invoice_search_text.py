"""A stored search text for the invoice list's totals row on PostgreSQL (SQLite: nothing).

`search_text` is `UPPER(number) || U+001F || UPPER(objet)`, a column PostgreSQL computes itself when a
row is written (GENERATED ... STORED; unknown to the Django model, never written by it). A search's
totals then test one plain LIKE per invoice instead of upper-casing two texts per invoice: a search
matching a quarter of a cabinet's 100 000 invoices is added up several times faster, and a trigram index
on it keeps the few-matches searches on an index. U+001F cannot be part of a search text
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


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(COLUMN)
    schema_editor.execute(INDEX)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute('DROP INDEX IF EXISTS "invoices_invoice_search_text_trgm"')
    schema_editor.execute('ALTER TABLE "invoices_invoice" DROP COLUMN IF EXISTS "search_text"')


class Migration(migrations.Migration):
    dependencies = [("invoices", "0024_invoice_day_totals")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
