"""French display of amounts, rates and quantities: 1 300,00 €, 5,5 %, 2,5."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from invoices.totals import decimal_fr, money_fr

register = template.Library()


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None


@register.filter
def money(value) -> str:
    """1300 → « 1 300,00 € » (non-breaking spaces, so the amount never wraps)."""
    amount = _decimal(value)
    if amount is None or not amount.is_finite():
        return ""
    return money_fr(amount)


@register.filter
def money_abs(value) -> str:
    """-250 → « 250,00 € »: an amount whose side the column already says."""
    amount = _decimal(value)
    if amount is None or not amount.is_finite():
        return ""
    return money_fr(abs(amount))


@register.filter
def rate(value) -> str:
    """Decimal('5.50') → « 5,5 % »."""
    amount = _decimal(value)
    if amount is None:
        return ""
    return f"{decimal_fr(amount)}\xa0%"


@register.filter
def qty(value) -> str:
    """Decimal('2.500') → « 2,5 »."""
    amount = _decimal(value)
    if amount is None:
        return ""
    return decimal_fr(amount)


@register.filter
def iban(value: str) -> str:
    try:
        return IBAN(value).formatted
    except (SchwiftyException, ValueError):
        return value
