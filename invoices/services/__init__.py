"""Invoicing verbs. Callers write `from invoices import services` then `services.issue_invoice(...)`."""

from invoices.services.drafts import (
    create_credit_note,
    create_invoice,
    delete_draft,
    duplicate_invoice,
    update_invoice,
)
from invoices.services.issue import issue_invoice
from invoices.services.lines import LineInput
from invoices.services.payments import allocate_payment, record_payment, refund_payment, reverse_payment
from invoices.services.quotes import (
    create_quote,
    decide_quote,
    invoice_order,
    invoice_order_part,
    invoiced_ht,
    update_quote,
)
from invoices.services.reminders import send_reminder

__all__ = [
    "LineInput",
    "allocate_payment",
    "create_credit_note",
    "create_invoice",
    "create_quote",
    "decide_quote",
    "delete_draft",
    "duplicate_invoice",
    "invoice_order",
    "invoice_order_part",
    "invoiced_ht",
    "issue_invoice",
    "record_payment",
    "refund_payment",
    "reverse_payment",
    "send_reminder",
    "update_invoice",
    "update_quote",
]
