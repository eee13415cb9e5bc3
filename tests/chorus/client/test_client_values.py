"""Reading Chorus's loosely typed values and writing ours exactly."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from chorus.client import values


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("2026-11-27", datetime(2026, 11, 26, 23, 0, tzinfo=UTC)),
        ("2026-11-27 10:15", datetime(2026, 11, 27, 9, 15, tzinfo=UTC)),
        ("2026-11-27T10:15:00Z", datetime(2026, 11, 27, 10, 15, tzinfo=UTC)),
        ("2018-02-16T15:10:25.536+01:00", datetime(2018, 2, 16, 14, 10, 25, 536000, tzinfo=UTC)),
        (1764236100000, datetime(2025, 11, 27, 9, 35, tzinfo=UTC)),
        ("pas une date", None),
        (None, None),
    ],
)
def test_moments_in_every_format_chorus_uses(raw, expected):
    assert values.moment(raw) == expected


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("2026-11-27", date(2026, 11, 27)),
        ("27/11/2026", date(2026, 11, 27)),
        ("2026-13-40", None),
        (1795993200000, date(2026, 11, 30)),  # 2026-11-29T23:00Z is already the 30th in Paris
        (True, None),
    ],
)
def test_days(raw, expected):
    assert values.day(raw) == expected


def test_datetime_filters_are_sent_in_utc():
    paris = timezone(timedelta(hours=1))
    assert (
        values.chorus_datetime(datetime(2026, 11, 28, 2, 0, 0, 123456, tzinfo=paris))
        == "2026-11-28T01:00:00.123Z"
    )
    with pytest.raises(ValueError):
        values.chorus_datetime(datetime(2026, 11, 28, 2, 0))


def test_amounts_are_written_as_exact_numbers_and_strings_stay_strings():
    body = {
        "a": Decimal("0.1") + Decimal("0.2"),
        "b": Decimal("-12.345"),
        "c": "Decimal('1')",
        "d": [Decimal(3)],
    }

    assert values.dumps(body) == b'{"a":0.30,"b":-12.35,"c":"Decimal(\'1\')","d":[3.00]}'


def test_integers_and_booleans_are_read_leniently():
    assert [values.integer(v) for v in (7, "7", " 8 ", Decimal("9"), True, "x", None)] == [
        7,
        7,
        8,
        9,
        None,
        None,
        None,
    ]
    assert [values.boolean(v) for v in (True, "true", "false", 0, None)] == [True, True, False, False, None]


def test_a_lone_object_counts_as_a_list_of_one():
    assert values.items({"listeStructures": {"idStructureCPP": 1}}, "listeStructures") == [
        {"idStructureCPP": 1}
    ]
    assert values.items({}, "listeStructures") == []


def test_unicode_digits_are_not_an_integer():
    assert [values.integer(v) for v in ("²", "-²", "١٢", "１２")] == [None, None, None, None]
