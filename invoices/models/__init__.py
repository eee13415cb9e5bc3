"""Invoicing data: devis and their lines, factures (facture, acompte, avoir) and their lines,
règlements and relances. One module per concept; everything is importable from `invoices.models`."""

from invoices.models.accounting import AccountPlan
from invoices.models.bank import (
    BankAccount,
    BankLine,
    BankStatement,
    Confidence,
    LineStatus,
    StatementFormat,
)
from invoices.models.common import MONEY, ExemptionMotif, LineBase, Unit, VatRate, VatRegime
from invoices.models.figures import InvoiceDayTotal, MonthlyCollection, MonthlyTurnover
from invoices.models.invoices import (
    MUTABLE_AFTER_ISSUE,
    OPEN_STATUSES,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    invoice_pdf_path,
)
from invoices.models.ledger import DocumentAction, DocumentEvent, IntegrityCheck, LedgerEntry
from invoices.models.payments import (
    Payment,
    PaymentAllocation,
    PaymentMode,
    Reminder,
    ReminderChannel,
    ReminderDelivery,
    ReminderLevel,
    reminder_pdf_path,
)
from invoices.models.quotes import Quote, QuoteLine, QuoteStatus
from invoices.models.rates import EcbRate
from invoices.models.reminder_plans import HoldReason, ReminderHold, ReminderPlan, ReminderStep

__all__ = [
    "AccountPlan",
    "BankAccount",
    "BankLine",
    "BankStatement",
    "Confidence",
    "LineStatus",
    "StatementFormat",
    "MONEY",
    "MUTABLE_AFTER_ISSUE",
    "OPEN_STATUSES",
    "DocumentAction",
    "DocumentEvent",
    "EcbRate",
    "ExemptionMotif",
    "IntegrityCheck",
    "Invoice",
    "InvoiceDayTotal",
    "InvoiceKind",
    "InvoiceLine",
    "InvoiceStatus",
    "LedgerEntry",
    "LineBase",
    "MonthlyCollection",
    "MonthlyTurnover",
    "Payment",
    "PaymentAllocation",
    "PaymentMode",
    "Quote",
    "QuoteLine",
    "QuoteStatus",
    "HoldReason",
    "Reminder",
    "ReminderChannel",
    "ReminderDelivery",
    "ReminderHold",
    "ReminderLevel",
    "ReminderPlan",
    "ReminderStep",
    "Unit",
    "VatRate",
    "VatRegime",
    "invoice_pdf_path",
    "reminder_pdf_path",
]
