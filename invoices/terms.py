"""Payment terms within the law and the late-payment rate an invoice states, free of Django.

B2B: 60 days from the invoice date, or 45 days end of month (C. com. L441-10 I). Public buyers: 30 days
(C. commande publique R2192-10), 50 for a public health establishment and 60 for a public company (R2192-11),
counted from the buyer's receipt of the invoice (R2192-12, chorus/deadlines.py), and late payment earns « intérêts moratoires » at the ECB main
refinancing rate in force on the first day of the half-year in which they start to run, plus 8 points
(R2192-31), with the 40 € indemnity (D441-5). Private individuals: the parties are free.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal

from invoices import totals

B2B_MAX_DAYS = 60
B2B_MAX_DAYS_END_OF_MONTH = 45
PUBLIC_MAX_DAYS = 30
PUBLIC_MARGIN = Decimal("8.00")
INDEMNITY = Decimal("40.00")

PARTICULIER = "particulier"
PUBLIC = "public"
B2B = "b2b"


def terms_error(*, days: int, end_of_month: bool, buyer: str, public_max_days: int = PUBLIC_MAX_DAYS) -> str:
    """The French rule a payment term breaks, or "" when it is lawful for that buyer (a public buyer's own
    maximum: 30, 50 or 60 days)."""
    if buyer == PUBLIC:
        if end_of_month or days > public_max_days:
            return (
                f"Cet acheteur public paie sous {public_max_days} jours au plus à compter de la réception de la "
                "facture (art. R2192-10 et R2192-11 du Code de la commande publique) : pas de délai plus long ni "
                "« fin de mois »."
            )
        return ""
    if buyer == B2B:
        if end_of_month and days > B2B_MAX_DAYS_END_OF_MONTH:
            return (
                f"Entre professionnels, un délai « fin de mois » ne peut dépasser {B2B_MAX_DAYS_END_OF_MONTH} jours "
                "fin de mois (art. L441-10 du Code de commerce)."
            )
        if days > B2B_MAX_DAYS:
            return (
                f"Entre professionnels, le délai de paiement ne peut dépasser {B2B_MAX_DAYS} jours à compter de "
                f"la date de facture, ou {B2B_MAX_DAYS_END_OF_MONTH} jours fin de mois (art. L441-10 du Code de "
                "commerce)."
            )
    return ""


def due_date(issue_date: datetime.date, days: int, *, end_of_month: bool = False) -> datetime.date:
    """Issue date + days; « fin de mois »: then the last day of that month."""
    due = issue_date + datetime.timedelta(days=days)
    if end_of_month:
        due = due.replace(day=calendar.monthrange(due.year, due.month)[1])
    return due


def terms_text(days: int, *, end_of_month: bool) -> str:
    return f"Paiement à {days} jours {'fin de mois' if end_of_month else 'date de facture'}."


def semester_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 1 if day.month <= 6 else 7, 1)


@dataclass(frozen=True)
class LateRate:
    """The annual late-payment rate an invoice states, and the sentence it prints."""

    rate: Decimal
    text: str


def public_late_rate(ecb_rate: Decimal, *, from_day: datetime.date) -> LateRate:
    rate = totals.money(Decimal(ecb_rate) + PUBLIC_MARGIN)
    semester = "1er" if from_day.month <= 6 else "2nd"
    return LateRate(
        rate,
        f"En cas de retard de paiement, intérêts moratoires au taux BCE + 8 points, soit "
        f"{totals.decimal_fr(rate)} % l'an (taux BCE de {totals.decimal_fr(ecb_rate)} % au {semester} semestre "
        f"{from_day.year}), et indemnité forfaitaire pour frais de recouvrement de "
        f"{str(INDEMNITY).replace('.', ',')} € (art. R2192-31 et D2192-35 du Code de la commande publique).",
    )


def company_late_rate(cabinet_rate: Decimal) -> LateRate:
    rate = totals.money(cabinet_rate)
    return LateRate(
        rate,
        f"En cas de retard de paiement, pénalités au taux annuel de {totals.decimal_fr(rate)} %, exigibles dès "
        f"le lendemain de l'échéance, et indemnité forfaitaire pour frais de recouvrement de "
        f"{str(INDEMNITY).replace('.', ',')} € (art. L441-10 et D441-5 du Code de commerce).",
    )


def private_late_rate(cabinet_rate: Decimal) -> LateRate:
    rate = totals.money(cabinet_rate)
    return LateRate(
        rate, f"En cas de retard de paiement, pénalités au taux annuel de {totals.decimal_fr(rate)} %."
    )
