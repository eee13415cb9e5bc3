"""Invoice arithmetic on Decimals, free of Django so it can be property-tested alone.

Rules (EN 16931): line HT = quantity × unit price rounded to the cent; VAT per rate on the sum of the
line HT amounts of that rate (BR-CO-17); total VAT = Σ VAT per rate (BR-CO-14); TTC = HT + VAT
(BR-CO-15); net à payer = TTC − acomptes already invoiced (BR-CO-16). Rounding is ROUND_HALF_UP:
Python's default (half-even) would turn 2.665 into 2.66 where a French accountant expects 2.67.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
K = TypeVar("K")

# The rates a French invoice may carry here (metropolitan France).
VAT_RATES = (Decimal("20.00"), Decimal("10.00"), Decimal("5.50"), Decimal("2.10"), Decimal("0.00"))


def money(value: Decimal | int | str) -> Decimal:
    """Rounds to the cent, half up."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def decimal_fr(value: Decimal | int | str) -> str:
    """Decimal('5.50') → « 5,5 »: a rate or a quantity written the French way, without trailing zeros."""
    return format(Decimal(value).normalize(), "f").replace(".", ",")


def money_fr(value: Decimal | int | str) -> str:
    """1300 → « 1 300,00 € »: an amount written the French way, with non-breaking spaces so it never wraps."""
    grouped = format(money(value), ",.2f")
    return grouped.replace(",", "\xa0").replace(".", ",") + "\xa0€"


def line_ht(quantity: Decimal, unit_price: Decimal) -> Decimal:
    return money(Decimal(quantity) * Decimal(unit_price))


def vat_amount(base: Decimal, rate: Decimal) -> Decimal:
    return money(Decimal(base) * Decimal(rate) / 100)


@dataclass(frozen=True)
class Line:
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal

    @property
    def ht(self) -> Decimal:
        return line_ht(self.quantity, self.unit_price)


@dataclass(frozen=True)
class VatLine:
    """One row of the VAT breakdown: taxable base and VAT for one rate."""

    rate: Decimal
    base: Decimal
    vat: Decimal


@dataclass(frozen=True)
class Totals:
    ht: Decimal
    vat: Decimal
    ttc: Decimal
    vat_lines: tuple[VatLine, ...] = field(default_factory=tuple)
    prepaid: Decimal = ZERO
    net_to_pay: Decimal = ZERO


def vat_breakdown(lines: Iterable[tuple[Decimal, Decimal]]) -> tuple[VatLine, ...]:
    """Groups (line HT, rate) pairs by rate, highest rate first, VAT computed once per rate."""
    bases: dict[Decimal, Decimal] = {}
    for ht, rate in lines:
        rate = Decimal(rate).quantize(CENT)
        bases[rate] = bases.get(rate, ZERO) + money(ht)
    return tuple(
        VatLine(rate, money(base), vat_amount(base, rate))
        for rate, base in sorted(bases.items(), reverse=True)
    )


def compute_totals(lines: Iterable[Line], *, prepaid: Decimal = ZERO) -> Totals:
    """Totals of an invoice from its lines; `prepaid` is the TTC of acomptes deducted (final invoice)."""
    breakdown = vat_breakdown((line.ht, line.vat_rate) for line in lines)
    ht = sum((v.base for v in breakdown), ZERO)
    vat = sum((v.vat for v in breakdown), ZERO)
    ttc = ht + vat
    prepaid = money(prepaid)
    return Totals(ht=ht, vat=vat, ttc=ttc, vat_lines=breakdown, prepaid=prepaid, net_to_pay=ttc - prepaid)


def split_by_rates(amount_ht: Decimal, bases: dict[Decimal, Decimal]) -> dict[Decimal, Decimal]:
    """Shares an HT amount between VAT rates in proportion to their bases (for an acompte on a
    multi-rate quote); the last rate takes the rounding remainder so the parts add up exactly."""
    total = sum(bases.values(), ZERO)
    return prorate(amount_ht, total, {rate: bases[rate] for rate in sorted(bases, reverse=True)})


def prorate(amount: Decimal, whole: Decimal, parts: Mapping[K, Decimal]) -> dict[K, Decimal]:
    """The share of each of `parts` (amounts inside `whole`, e.g. the VAT per rate of an invoice) in
    `amount`, a portion of `whole` (e.g. a payment of it): amount × Σ parts / whole is rounded once, then
    split pro rata in the order given, the last part taking the rounding residue. The shares add up
    exactly, and are the parts themselves when amount == whole."""
    total = sum(parts.values(), ZERO)
    if not parts or not whole or not total:
        return {}
    share = money(Decimal(amount) * total / whole)
    keys = list(parts)
    shares = {key: money(share * parts[key] / total) for key in keys[:-1]}
    shares[keys[-1]] = share - sum(shares.values(), ZERO)
    return shares
