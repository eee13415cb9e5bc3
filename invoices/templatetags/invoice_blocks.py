"""Blocks of the client and dossier pages that show invoicing data.

Kept in the invoicing module so the client pages need not know its models. Each block runs a fixed
number of queries whatever the number of rows.
"""

from __future__ import annotations

from django import template

from invoices import selectors

register = template.Library()

BLOCK_ROWS = 20


@register.inclusion_tag("invoices/blocks/client_invoices.html")
def client_invoices_block(client):
    qs = selectors.invoice_list(cabinet=client.cabinet, client=client)
    return {"invoices": list(qs[: BLOCK_ROWS + 1]), "client": client, "limit": BLOCK_ROWS}


@register.inclusion_tag("invoices/blocks/client_payments.html")
def client_payments_block(client):
    payments = list(selectors.payment_list(cabinet=client.cabinet, client=client)[:BLOCK_ROWS])
    return {"payments": payments, "client": client}


@register.inclusion_tag("invoices/blocks/client_balance.html")
def client_balance_block(client):
    return {"balance": selectors.client_balance(client=client), "client": client}


@register.inclusion_tag("invoices/blocks/client_dashboard.html")
def client_dashboard_block(client):
    return {"figures": selectors.client_figures(client=client), "client": client}


@register.inclusion_tag("invoices/blocks/dossier_dashboard.html")
def dossier_dashboard_block(dossier):
    return {"board": selectors.dossier_dashboard(dossier=dossier), "dossier": dossier}


@register.inclusion_tag("invoices/_reminder_hold.html", takes_context=True)
def client_reminder_hold_block(context, client):
    from invoices.views.reminders import reminder_hold_context

    found = reminder_hold_context(client=client)
    return {
        **found,
        "hold": found["client_hold"],
        "client_page": True,
        "csrf_token": context.get("csrf_token"),
    }
