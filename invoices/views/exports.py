"""« Exporter CSV / XLSX » of the invoicing lists: the rows the list shows for the same query string."""

from __future__ import annotations

from django.utils import timezone

from geoprod import tabular
from geoprod.tenancy import current_cabinet
from invoices.books import exports
from invoices.views.invoices import filtered_invoices
from invoices.views.payments import filtered_payments
from invoices.views.quotes import filtered_quotes


def _name(what: str) -> str:
    return f"{what}-{timezone.localdate():%Y-%m-%d}"


def invoice_export(request, fmt: str):
    tabular.check_format(fmt)
    _, invoices = filtered_invoices(request)
    return tabular.response(fmt, _name("factures"), exports.invoice_sheet(invoices))


def quote_export(request, fmt: str):
    tabular.check_format(fmt)
    return tabular.response(fmt, _name("devis"), exports.quote_sheet(filtered_quotes(request)))


def payment_export(request, fmt: str):
    tabular.check_format(fmt)
    return tabular.response(fmt, _name("reglements"), exports.payment_sheet(filtered_payments(request)))


def ageing_export(request, fmt: str):
    """Balance âgée: CSV per client or per invoice (`?par=client|facture`), XLSX with both sheets."""
    tabular.check_format(fmt)
    per = request.GET.get("par", "")
    if fmt == "csv" and per not in ("client", "facture"):
        per = "facture"
    today = timezone.localdate()
    sheets = exports.ageing_sheets(current_cabinet(request), today=today, per=per)
    suffix = f"-par-{per}" if per in ("client", "facture") else ""
    return tabular.response(fmt, _name("impayes") + suffix, *sheets)
