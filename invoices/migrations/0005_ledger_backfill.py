"""Inscribes the documents issued before the register existed, in their validation order, so that
verify_ledger checks them too (their PDF as stored today is what gets chained)."""

import hashlib

from django.db import migrations


def backfill(apps, schema_editor):
    from invoices import facturx
    from invoices.errors import InvoicingError
    from invoices.numbering import SERIES
    from invoices.services.ledger import GENESIS, chain_hash

    Invoice = apps.get_model("invoices", "Invoice")
    LedgerEntry = apps.get_model("invoices", "LedgerEntry")
    issued = (
        Invoice.objects.exclude(status="brouillon")
        .exclude(number=None)
        .order_by("cabinet_id", "issued_at", "id")
    )
    previous = {}
    for invoice in issued.iterator():
        if LedgerEntry.objects.filter(invoice_id=invoice.pk).exists():
            continue
        sequence, previous_hash = previous.get(invoice.cabinet_id, (0, GENESIS))
        xml_sha256 = ""
        try:
            with invoice.pdf.open("rb") as f:
                xml_sha256 = hashlib.sha256(facturx.xml_from_pdf(f.read())).hexdigest()
        except (OSError, ValueError, InvoicingError):
            # A missing PDF, or one without its XML, is inscribed with no XML hash rather than failing the
            # migration: verify_ledger then names that document as missing its file or its XML.
            xml_sha256 = ""
        sequence += 1
        link = chain_hash(
            previous_hash=previous_hash, sequence=sequence, invoice=invoice, xml_sha256=xml_sha256
        )
        LedgerEntry.objects.create(
            cabinet_id=invoice.cabinet_id,
            series=SERIES,
            sequence=sequence,
            invoice_id=invoice.pk,
            number=invoice.number,
            issue_date=invoice.issue_date,
            pdf_sha256=invoice.pdf_sha256,
            xml_sha256=xml_sha256,
            previous_hash=previous_hash,
            chain_hash=link,
        )
        previous[invoice.cabinet_id] = (sequence, link)


class Migration(migrations.Migration):
    dependencies = [("invoices", "0004_ledger_register")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
