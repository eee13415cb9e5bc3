"""The public buyer's payment deadline and what it owes once late, free of Django.

Code de la commande publique (décret 2013-269 codified in 2019). Length: 30 days for the State, local
authorities and most public bodies (R2192-10); 50 days for public health establishments and 60 days for public
companies (R2192-11). Start: the day the buyer receives the invoice (R2192-12); for an invoice sent through the
public invoicing portal (Chorus Pro), the day the buyer is notified that it is made available on the portal
(R2192-12, last paragraph, added by décret 2019-748), i.e. Chorus's « Mise à disposition ». Past the deadline,
moratory interest runs without any reminder from the day after the deadline until payment (L2192-13, R2192-31)
at the ECB main refinancing rate in force on the first day of the half-year in which it started to run, plus 8
points (R2192-31), as simple interest on the TTC still due, days late / 365; and the 40 € indemnité
forfaitaire pour frais de recouvrement is owed too (L2192-13, D2192-35).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from invoices import terms, totals

PUBLIC_TERM_DAYS = terms.PUBLIC_MAX_DAYS
MARGIN = terms.PUBLIC_MARGIN
INDEMNITY = terms.INDEMNITY

# The invoice is in the buyer's hands: « Mise à disposition » and what follows it in the normal flow. When
# the first status seen is already a later one (the mise à disposition fell between two refreshes), its date
# is the first known sign of reception.
RECEIVED_STATUSES = frozenset(
    {
        "MISE_A_DISPOSITION",
        "PRISE_EN_COMPTE_DESTINATAIRE",
        "SUSPENDUE",
        "COMPLETEE",
        "SERVICE_FAIT",
        "MANDATEE",
        "MISE_A_DISPOSITION_COMPTABLE",
        "COMPTABILISEE",
        "MISE_EN_PAIEMENT",
    }
)


@dataclass(frozen=True)
class Start:
    """The day the payment term starts, and whether it is only estimated from the deposit date."""

    on: datetime.date
    estimated: bool


def start(deposited_on: datetime.date, changes: Iterable[tuple[str, datetime.date]]) -> Start:
    """The first day a status of RECEIVED_STATUSES was reached since the (last) deposit, from the `changes`
    (status, date) of the status history; the deposit date, estimated, while none is known. A recycled
    invoice is deposited anew, so what came before its new deposit does not count."""
    received = [day for status, day in changes if status in RECEIVED_STATUSES and day >= deposited_on]
    return Start(min(received), False) if received else Start(deposited_on, True)


def deadline(start_on: datetime.date, days: int = PUBLIC_TERM_DAYS) -> datetime.date:
    """The last day the public buyer may pay: start of the term + its length (30, 50 or 60 days)."""
    return start_on + datetime.timedelta(days=days)


def days_late(due: datetime.date, on: datetime.date) -> int:
    """Days of interest on `on`: counted from the day after the deadline, `on` included; 0 when not late."""
    return max((on - due).days, 0)


def rate_day(due: datetime.date) -> datetime.date:
    """The day whose ECB rate applies: first day of the half-year in which interest starts (deadline + 1)."""
    return terms.semester_start(due + datetime.timedelta(days=1))


def interest(*, amount_due: Decimal, annual_rate: Decimal, days: int) -> Decimal:
    """Simple interest pro rata temporis, rounded half-up to the cent."""
    return totals.money(Decimal(amount_due) * Decimal(annual_rate) / 100 * days / 365)


@dataclass(frozen=True)
class Claim:
    """What a late public buyer owes on one invoice, on a given day."""

    start: Start
    term_days: int
    deadline: datetime.date
    on: datetime.date
    days_late: int
    rate_day: datetime.date
    ecb_rate: Decimal
    rate: Decimal
    amount_due: Decimal
    interest: Decimal
    indemnity: Decimal

    @property
    def total(self) -> Decimal:
        return self.interest + self.indemnity


def claim(
    *, start: Start, term_days: int, amount_due: Decimal, ecb_rate: Decimal, on: datetime.date
) -> Claim:
    """The moratory interest and the indemnity owed on `on` for an invoice whose `term_days` payment term
    started on `start`.

    `ecb_rate` is the rate in force on rate_day(deadline(start.on, term_days)); the caller reads it from its
    table."""
    due = deadline(start.on, term_days)
    days = days_late(due, on)
    rate = totals.money(Decimal(ecb_rate) + MARGIN)
    return Claim(
        start=start,
        term_days=term_days,
        deadline=due,
        on=on,
        days_late=days,
        rate_day=rate_day(due),
        ecb_rate=Decimal(ecb_rate),
        rate=rate,
        amount_due=Decimal(amount_due),
        interest=interest(amount_due=amount_due, annual_rate=rate, days=days),
        indemnity=INDEMNITY if days else Decimal("0.00"),
    )
