"""Totals identities (EN 16931 BR-CO-10/14/15/16/17) on examples and on random invoices."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from invoices import totals

D = Decimal


def test_money_rounds_half_up_not_half_even():
    assert totals.money(D("2.665")) == D("2.67")
    assert totals.money(D("2.675")) == D("2.68")
    assert totals.money(D("-2.665")) == D("-2.67")


def test_vat_is_computed_per_rate_on_the_sum_of_lines():
    # Per-line rounding would give 3 × 0.01 = 0.03; BR-CO-17 rounds 0.09 × 20 % = 0.018 once → 0.02.
    lines = [totals.Line(D("1"), D("0.03"), D("20.00"))] * 3
    result = totals.compute_totals(lines)
    assert result.ht == D("0.09")
    assert result.vat == D("0.02")
    assert result.ttc == D("0.11")


def test_breakdown_groups_rates_highest_first():
    lines = [
        totals.Line(D("2.5"), D("480.00"), D("20.00")),
        totals.Line(D("1"), D("45.50"), D("10.00")),
        totals.Line(D("3"), D("100"), D("20.00")),
    ]
    result = totals.compute_totals(lines, prepaid=D("500"))
    assert [(v.rate, v.base, v.vat) for v in result.vat_lines] == [
        (D("20.00"), D("1500.00"), D("300.00")),
        (D("10.00"), D("45.50"), D("4.55")),
    ]
    assert result.ttc == D("1850.05")
    assert result.net_to_pay == D("1350.05")


def test_split_by_rates_adds_up_exactly():
    parts = totals.split_by_rates(D("1000"), {D("20.00"): D("1"), D("10.00"): D("2")})
    assert sum(parts.values()) == D("1000.00")
    assert parts[D("20.00")] == D("333.33")


amounts = st.decimals(
    min_value=D("-5000"), max_value=D("50000"), places=2, allow_nan=False, allow_infinity=False
)
quantities = st.decimals(
    min_value=D("0.001"), max_value=D("1000"), places=3, allow_nan=False, allow_infinity=False
)
rates = st.sampled_from(totals.VAT_RATES)
lines_strategy = st.lists(st.builds(totals.Line, quantities, amounts, rates), min_size=1, max_size=30)


@given(lines_strategy, st.decimals(min_value=D("0"), max_value=D("10000"), places=2))
def test_totals_identities_hold_on_random_invoices(lines, prepaid):
    result = totals.compute_totals(lines, prepaid=prepaid)
    # BR-CO-10: HT = Σ line HT; BR-S-08: base per rate = Σ line HT of that rate
    assert result.ht == sum((line.ht for line in lines), D("0"))
    for v in result.vat_lines:
        assert v.base == sum((line.ht for line in lines if line.vat_rate == v.rate), D("0"))
        # BR-CO-17: VAT per rate = base × rate, rounded once
        assert v.vat == totals.money(v.base * v.rate / 100)
    # BR-CO-14, BR-CO-15, BR-CO-16
    assert result.vat == sum((v.vat for v in result.vat_lines), D("0"))
    assert result.ttc == result.ht + result.vat
    assert result.net_to_pay == result.ttc - prepaid
    for amount in (result.ht, result.vat, result.ttc, *[v.vat for v in result.vat_lines]):
        assert amount == amount.quantize(D("0.01"))
    assert len({v.rate for v in result.vat_lines}) == len(result.vat_lines)


@given(
    st.decimals(min_value=D("0.01"), max_value=D("100000"), places=2),
    st.dictionaries(rates, amounts.filter(lambda a: a > 0), min_size=1, max_size=5),
)
def test_split_parts_always_sum_to_the_amount(amount, bases):
    assert sum(totals.split_by_rates(amount, bases).values()) == amount


@pytest.mark.parametrize(
    ("value", "text"),
    [("5.50", "5,5"), ("20.00", "20"), ("2.500", "2,5"), ("100", "100"), ("12.15", "12,15")],
)
def test_decimal_fr(value, text):
    assert totals.decimal_fr(Decimal(value)) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [("1300", "1\xa0300,00\xa0€"), ("530.275", "530,28\xa0€"), ("-1234567.5", "-1\xa0234\xa0567,50\xa0€"), ("0", "0,00\xa0€")],
)
def test_money_fr(value, text):
    assert totals.money_fr(Decimal(value)) == text
