"""The public buyer's payment deadline and what it owes once late, free of Django.

Code de la commande publique (décret 2013-269 codified in 2019): the State and local authorities pay within
30 days of receiving the invoice (R2192-10); an invoice sent through Chorus Pro is received on its deposit
date (`dateDepot`). Past the deadline, moratory interest runs without any reminder from the day after the
deadline until payment (L2192-13, R2192-31) at the ECB main refinancing rate in force on the first day of the
half-year in which it started to run, plus 8 points (R2192-31), as simple interest on the TTC still due, days
late / 365; and the 40 € indemnité forfaitaire pour frais de recouvrement is owed too (L2192-13, D2192-35).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from invoices import terms, totals

PUBLIC_TERM_DAYS = terms.PUBLIC_MAX_DAYS
MARGIN = terms.PUBLIC_MARGIN
INDEMNITY = terms.INDEMNITY


def deadline(deposited_on: datetime.date) -> datetime.date:
    """The last day the public buyer may pay: deposit date + 30 days."""
    return deposited_on + datetime.timedelta(days=PUBLIC_TERM_DAYS)


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

    deposited_on: datetime.date
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


def claim(*, deposited_on: datetime.date, amount_due: Decimal, ecb_rate: Decimal, on: datetime.date) -> Claim:
    """The moratory interest and the indemnity owed on `on` for an invoice deposited on `deposited_on`.

    `ecb_rate` is the rate in force on rate_day(deadline(deposited_on)); the caller reads it from its table."""
    due = deadline(deposited_on)
    days = days_late(due, on)
    rate = totals.money(Decimal(ecb_rate) + MARGIN)
    return Claim(
        deposited_on=deposited_on,
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
