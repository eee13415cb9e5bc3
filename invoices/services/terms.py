"""Payment terms of an invoice: the legal caps per buyer, and the late-payment rate stated at issue."""

from __future__ import annotations

import datetime

from clients.models import Client
from invoices import terms
from invoices.errors import InvoicingError
from invoices.models import EcbRate, Invoice


def buyer_kind(client: Client) -> str:
    if client.is_public_body:
        return terms.PUBLIC
    return terms.B2B if client.is_professional else terms.PARTICULIER


def check_terms(*, client: Client, days: int, end_of_month: bool) -> None:
    """Raises InvoicingError (field payment_terms_days) when the term exceeds what the law allows."""
    error = terms.terms_error(
        days=days,
        end_of_month=end_of_month,
        buyer=buyer_kind(client),
        public_max_days=client.delai_paiement_public,
    )
    if error:
        raise InvoicingError(error, field="payment_terms_days")


def default_terms_days(client: Client, cabinet_days: int) -> int:
    """The cabinet's usual term, shortened to the legal cap of a public buyer."""
    return (
        min(cabinet_days, client.delai_paiement_public)
        if buyer_kind(client) == terms.PUBLIC
        else cabinet_days
    )


def late_rate(invoice: Invoice, *, due_date: datetime.date) -> terms.LateRate:
    """What the invoice states about late payment: ECB + 8 points for a public buyer (the ECB rate in force
    on the first day of the half-year in which interest starts to run), else the cabinet's rate.

    Raises InvoicingError when no ECB rate is known for that day.
    """
    client, cabinet = invoice.client, invoice.cabinet
    kind = buyer_kind(client)
    if kind == terms.PUBLIC:
        start = terms.semester_start(due_date + datetime.timedelta(days=1))
        ecb = EcbRate.in_force_on(start)
        if ecb is None:
            raise InvoicingError(
                f"Aucun taux BCE connu au {start:%d/%m/%Y} : l'administrateur de la plateforme doit le saisir "
                "(administration > Taux BCE) avant de facturer un acheteur public."
            )
        return terms.public_late_rate(ecb, from_day=start)
    if kind == terms.B2B:
        return terms.company_late_rate(cabinet.late_penalty_rate)
    return terms.private_late_rate(cabinet.late_penalty_rate)
