"""Blocks of the client and dossier pages that show invoicing data.

Kept in the invoicing module so the client pages need not know its models.
"""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("invoices/blocks/empty.html")
def client_invoices_block(client):
    return {"message": "Aucune facture pour ce client."}


@register.inclusion_tag("invoices/blocks/empty.html")
def client_payments_block(client):
    return {"message": "Aucun règlement enregistré pour ce client."}


@register.inclusion_tag("invoices/blocks/empty.html")
def client_dashboard_block(client):
    return {"message": "Pas encore de chiffre d'affaires pour ce client."}


@register.inclusion_tag("invoices/blocks/empty.html")
def dossier_dashboard_block(dossier):
    return {"message": "Aucun devis, commande, facture ni règlement pour ce dossier."}
