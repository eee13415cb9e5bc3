"""The columns of each invoicing list when exported (CSV / XLSX): factures, devis, règlements, impayés.

Each function takes the list's own filtered queryset (the same one the page shows) and returns the sheet,
read in chunks so a 100 000-row export keeps a bounded memory and a constant number of queries.
"""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from geoprod.models import Cabinet
from geoprod.tabular import Column, Sheet
from invoices.books import ageing
from invoices.models import Invoice, Payment, PaymentMode, Quote, QuoteStatus

CHUNK = 2000


def _chunked(qs: QuerySet):
    return qs.iterator(chunk_size=CHUNK)


INVOICE_COLUMNS = (
    Column("Numéro", lambda i: i.number or "Brouillon", width=16),
    Column("Type", lambda i: i.title, width=16),
    Column("Date", lambda i: i.issue_date, "date", 12),
    Column("Échéance", lambda i: i.due_date if i.is_issued and not i.is_credit_note else None, "date", 12),
    Column("Client", lambda i: i.client.nom, width=32),
    Column("Dossier", lambda i: i.dossier.numero if i.dossier_id else "", width=12),
    Column("Objet", lambda i: i.objet, width=40),
    Column("Statut", lambda i: i.status_label, width=20),
    Column("Total HT", lambda i: i.total_ht, "money"),
    Column("TVA", lambda i: i.total_vat, "money"),
    Column("Total TTC", lambda i: i.total_ttc, "money"),
    Column("Net à payer", lambda i: i.net_to_pay, "money"),
    Column("Réglé", lambda i: i.paid_amount, "money"),
    Column("Avoirs", lambda i: i.credited_amount, "money"),
    Column("Reste dû", lambda i: i.amount_due, "money"),
)


INVOICE_FIELDS = (
    "number", "kind", "status", "issue_date", "due_date", "client__nom", "dossier__numero", "objet",
    "total_ht", "total_vat", "total_ttc", "net_to_pay", "paid_amount", "credited_amount",
)  # fmt: skip


def invoice_sheet(qs: QuerySet[Invoice]) -> Sheet:
    # Only the exported columns: the page's extra joins (famille, responsable, Chorus) cost ~3× per row.
    qs = qs.select_related(None).select_related("client", "dossier").only(*INVOICE_FIELDS)
    return Sheet("Factures", INVOICE_COLUMNS, _chunked(qs))


QUOTE_COLUMNS = (
    Column("Numéro", lambda q: q.number, width=16),
    Column("Date", lambda q: q.date, "date", 12),
    Column(
        "Valable jusqu'au", lambda q: q.valid_until if q.status == QuoteStatus.PENDING else None, "date", 16
    ),
    Column("Client", lambda q: q.client.nom, width=32),
    Column("Dossier", lambda q: q.dossier.numero if q.dossier_id else "", width=12),
    Column("Objet", lambda q: q.objet, width=40),
    Column("Statut", lambda q: q.get_status_display(), width=20),
    Column("Date de décision", lambda q: q.decided_on, "date", 16),
    Column("Total HT", lambda q: q.total_ht, "money"),
    Column("TVA", lambda q: q.total_vat, "money"),
    Column("Total TTC", lambda q: q.total_ttc, "money"),
)


QUOTE_FIELDS = (
    "number", "date", "validity_days", "status", "client__nom", "dossier__numero", "objet", "decided_on",
    "total_ht", "total_vat", "total_ttc",
)  # fmt: skip


def quote_sheet(qs: QuerySet[Quote]) -> Sheet:
    qs = qs.select_related(None).select_related("client", "dossier").only(*QUOTE_FIELDS)
    return Sheet("Devis", QUOTE_COLUMNS, _chunked(qs))


def _allocated(payment: Payment) -> str:
    return ", ".join(a.invoice.number for a in payment.allocations.all())


PAYMENT_COLUMNS = (
    Column("Date", lambda p: p.date, "date", 12),
    Column("Client", lambda p: p.client.nom, width=32),
    Column("Mode", lambda p: PaymentMode(p.mode).label, width=16),
    Column("Référence", lambda p: p.reference, width=24),
    Column("Montant", lambda p: p.amount, "money"),
    Column("Factures réglées", _allocated, width=32),
    Column(
        "Contre-passation",
        lambda p: f"Annule le règlement du {p.reversal_of.date:%d/%m/%Y}" if p.reversal_of_id else "",
        width=32,
    ),
)


def payment_sheet(qs: QuerySet[Payment]) -> Sheet:
    """`qs` is the list's queryset, which already reads each règlement's allocations and invoices."""
    return Sheet("Règlements", PAYMENT_COLUMNS, _chunked(qs.select_related("client", "reversal_of")))


def _bucket_columns(amount) -> tuple[Column, ...]:
    return tuple(Column(b.label, amount(b.key), "money") for b in ageing.BUCKETS)


AGEING_INVOICE_COLUMNS = (
    Column("Client", lambda a: a.invoice.client.nom, width=32),
    Column("Numéro", lambda a: a.invoice.number, width=16),
    Column("Type", lambda a: a.invoice.title, width=16),
    Column("Date", lambda a: a.invoice.issue_date, "date", 12),
    Column("Échéance", lambda a: a.invoice.due_date, "date", 12),
    Column("Jours de retard", lambda a: max(a.days_late, 0), "int", 10),
    Column("Reste dû", lambda a: a.due, "money"),
    *_bucket_columns(lambda key: lambda a: a.amount_in(key)),
)

AGEING_CLIENT_COLUMNS = (
    Column("Client", lambda r: r["client__nom"], width=32),
    Column("Reste dû", lambda r: r["total"], "money"),
    *_bucket_columns(lambda key: lambda r: r[key]),
)


def ageing_sheets(cabinet: Cabinet, *, today: datetime.date, per: str) -> list[Sheet]:
    """Per client, per invoice, or both (XLSX: one sheet each, clients first)."""
    clients = Sheet("Par client", AGEING_CLIENT_COLUMNS, ageing.by_client(cabinet, today=today).iterator())
    invoices = Sheet("Par facture", AGEING_INVOICE_COLUMNS, ageing.by_invoice(cabinet, today=today))
    return {"client": [clients], "facture": [invoices]}.get(per, [clients, invoices])
