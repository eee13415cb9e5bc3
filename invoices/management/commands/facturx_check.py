"""Reads back the Factur-X XML of stored invoices and reports whether it is still valid.

    manage.py facturx_check F2609-0001 F2609-0002   # by number (--cabinet to pick one cabinet)
    manage.py facturx_check --all                   # every issued invoice

Each stored PDF is checked for integrity (sha256), its factur-x.xml extracted, validated offline (XSD,
EN 16931, BR-FR when the buyer is in the French e-invoicing scope) and its totals compared with the
invoice's. Exits with an error when one invoice fails, so CI can run it on the demo data.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from geoprod.wording import counted
from invoices import facturx, facturx_validation
from invoices.errors import InvoicingError
from invoices.models import Invoice, InvoiceStatus


def check_invoice(invoice: Invoice) -> list[str]:
    """French problems found in the stored Factur-X of one issued invoice (empty when valid)."""
    try:
        xml = facturx.xml_from_pdf(invoice.pdf_bytes())
    except (InvoicingError, OSError, ValueError) as e:
        return [getattr(e, "message", str(e))]
    report = facturx_validation.validate(xml, french_rules=facturx.in_french_scope(invoice))
    problems = [str(f) for f in report.failures]
    read = facturx.summary(xml)
    expected = {
        "numéro": (read.number, invoice.number),
        "total HT": (read.total_ht, invoice.total_ht),
        "total TVA": (read.total_vat, invoice.total_vat),
        "total TTC": (read.total_ttc, invoice.total_ttc),
        "net à payer": (read.due, invoice.net_to_pay),
    }
    problems += [
        f"{label} du XML ({found}) différent de la facture ({wanted})"
        for label, (found, wanted) in expected.items()
        if found != wanted
    ]
    return problems


class Command(BaseCommand):
    help = "Relit le XML Factur-X des factures stockées et indique s'il est conforme."

    def add_arguments(self, parser):
        parser.add_argument("numbers", nargs="*", help="numéros de facture")
        parser.add_argument("--all", action="store_true", help="toutes les factures émises")
        parser.add_argument("--cabinet", type=int, help="identifiant du cabinet")

    def handle(self, *args, numbers, all, cabinet, **options):
        if not numbers and not all:
            raise CommandError("Donnez des numéros de facture, ou --all.")
        invoices = (
            Invoice.objects.exclude(status=InvoiceStatus.DRAFT)
            .exclude(pdf="")
            .select_related("cabinet", "client")
            .order_by("cabinet_id", "issue_date", "number")
        )
        if cabinet:
            invoices = invoices.filter(cabinet_id=cabinet)
        if numbers:
            invoices = invoices.filter(number__in=numbers)
            missing = set(numbers) - set(invoices.values_list("number", flat=True))
            if missing:
                raise CommandError(f"Facture introuvable : {', '.join(sorted(missing))}.")
        failed = 0
        invoices = list(invoices)
        for invoice in invoices:
            problems = check_invoice(invoice)
            if problems:
                failed += 1
                self.stdout.write(f"{invoice.number} (cabinet {invoice.cabinet_id}) : NON CONFORME")
                for problem in problems:
                    self.stdout.write(f"  - {problem}")
            else:
                self.stdout.write(f"{invoice.number} (cabinet {invoice.cabinet_id}) : conforme")
        total = len(invoices)
        self.stdout.write(
            f"{counted(total - failed, 'conforme')}, {counted(failed, 'non conforme', 'non conformes')} "
            f"sur {counted(total, 'facture')}."
        )
        if failed:
            raise CommandError(f"{counted(failed, 'facture non conforme', 'factures non conformes')}.")
