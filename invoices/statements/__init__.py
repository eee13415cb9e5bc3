"""Bank statements read into plain values (no Django models): the CAMT.053 and CSV readers and the matching of
credit lines to open invoices. The services turn these values into rows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal


class StatementError(Exception):
    """A statement that cannot be read; `message` is French and says what to fix."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class StatementLine:
    date: datetime.date
    amount: Decimal  # positive for a credit, negative for a debit
    label: str
    reference: str = ""
    debtor: str = ""
    currency: str = "EUR"


@dataclass(frozen=True)
class Statement:
    lines: list[StatementLine]
    iban: str = ""
    currency: str = "EUR"
    warnings: list[str] = field(default_factory=list)


ACCEPTED_CURRENCY = "EUR"


def check_currency(statement: Statement) -> None:
    """Only euro statements are imported: a règlement and an invoice are in euros.
    Raises StatementError."""
    others = sorted({line.currency for line in statement.lines} - {ACCEPTED_CURRENCY})
    if statement.currency != ACCEPTED_CURRENCY and statement.currency not in others:
        others.insert(0, statement.currency)
    if others:
        raise StatementError(
            f"Devise non prise en charge ({', '.join(others)}) : seuls les relevés en euros (EUR) s'importent."
        )
