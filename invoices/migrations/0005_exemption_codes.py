"""Gives drafts and devis in « exonération » the coded motif their free-text reason names.

Only rows still editable are touched: an issued invoice keeps the motif text it was issued with. A text
that names no known article exactly is left as it is; « Valider » then asks for the motif.
"""

from django.db import migrations

# Frozen copy of invoices/vat.py EXEMPTIONS at the time of this migration (code, printed text).
MOTIFS = {
    "exonération de tva, article 261-4 du cgi": "261-4",
    "exonération de tva, article 261 c du cgi": "261-C",
    "exonération de tva, article 261 d du cgi": "261-D",
    "exonération de tva, article 261 d 4° du cgi": "261-D-4",
    "exonération de tva, article 262 i du cgi (exportation)": "262-I",
    "exonération de tva, article 262 ter i du cgi": "262-ter-I",
}


def code_for(text: str) -> str:
    return MOTIFS.get(" ".join((text or "").split()).lower().rstrip("."), "")


def forwards(apps, schema_editor):
    Invoice = apps.get_model("invoices", "Invoice")
    Quote = apps.get_model("invoices", "Quote")
    drafts = Invoice.objects.filter(status="brouillon", vat_regime="exoneration", exemption_code="")
    for model, rows in (
        (Invoice, drafts),
        (Quote, Quote.objects.filter(vat_regime="exoneration", exemption_code="")),
    ):
        for row in rows.only("pk", "exemption_reason"):
            code = code_for(row.exemption_reason)
            if code:
                model.objects.filter(pk=row.pk).update(exemption_code=code)


class Migration(migrations.Migration):
    dependencies = [("invoices", "0004_vat_cases")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
