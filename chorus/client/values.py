"""Reading Chorus Pro's loosely typed JSON, and writing ours with exact amounts."""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from .errors import ChorusUnavailable

CENT = Decimal("0.01")
# Chorus is a French platform: a date-time without an offset is Paris time.
CHORUS_TZ = ZoneInfo("Europe/Paris")


def money(value: Decimal | int | str) -> Decimal:
    """An amount or rate as Chorus takes it: at most two decimals, half up like our invoices."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def dumps(body: Any) -> bytes:
    """JSON with Decimals written as exact numbers.

    json.dumps only knows floats, and float(Decimal) can drift on large amounts; each Decimal is written as a
    marked string first, then the marks and quotes are removed, so the digits on the wire are ours.
    """
    mark = "dec" + secrets.token_hex(8)

    def default(value: Any) -> Any:
        if isinstance(value, Decimal):
            return f"{mark}{money(value):f}{mark}"
        if isinstance(value, date):
            return value.isoformat()
        raise TypeError(f"{type(value).__name__} n'est pas sérialisable en JSON")

    text = json.dumps(body, default=default, ensure_ascii=False, separators=(",", ":"))
    text = re.sub(f'"{mark}(-?[0-9]+(?:\\.[0-9]+)?){mark}"', r"\1", text)
    return text.encode("utf-8")


def text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


def integer(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal | float) and value == int(value):
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?[0-9]+", value.strip()):
        return int(value.strip())
    return None


def boolean(value: Any, default: bool | None = None) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "oui", "non"):
        return value.strip().lower() in ("true", "oui")
    if isinstance(value, int):
        return value != 0
    return default


def decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool) or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_FRENCH_DAY = re.compile(r"^(\d{2})/(\d{2})/(\d{4})")


def day(value: Any) -> date | None:
    """A date from `YYYY-MM-DD`, a date-time string, `DD/MM/YYYY` or epoch milliseconds."""
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        found = moment(value)
        return found.astimezone(CHORUS_TZ).date() if found else None  # Chorus's days are Paris days
    if not isinstance(value, str):
        return None
    try:
        if m := _DAY.match(value):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if m := _FRENCH_DAY.match(value):
            return date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        return None
    return None


def moment(value: Any) -> datetime | None:
    """An aware date-time from the formats Chorus mixes: ISO with or without offset, `YYYY-MM-DD HH:MM`,
    or epoch milliseconds."""
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return datetime.fromtimestamp(int(value) / 1000, tz=UTC)
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace(" ", "T", 1))
    except ValueError:
        found = day(value)
        return datetime(found.year, found.month, found.day, tzinfo=CHORUS_TZ) if found else None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=CHORUS_TZ)


def chorus_datetime(value: datetime) -> str:
    """A date-time filter value: ISO 8601 in UTC with milliseconds and `Z` (the form Pastell sends)."""
    if value.tzinfo is None:
        raise ValueError("Une date-heure envoyée à Chorus Pro doit porter un fuseau horaire.")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def first(data: Mapping[str, Any] | None, *keys: str) -> Any:
    """The first of `keys` present and not null in `data` (for fields with two known spellings)."""
    if not isinstance(data, Mapping):
        return None
    for key in keys:
        if data.get(key) is not None:
            return data[key]
    return None


def section(data: Mapping[str, Any] | None, *keys: str) -> Mapping[str, Any]:
    found = first(data, *keys)
    return found if isinstance(found, Mapping) else {}


def items(data: Mapping[str, Any] | None, *keys: str) -> list[Mapping[str, Any]]:
    """The list under the first present key; a lone object counts as a list of one (seen on Chorus)."""
    found = first(data, *keys)
    if isinstance(found, Mapping):
        return [found]
    if isinstance(found, list):
        return [item for item in found if isinstance(item, Mapping)]
    return []


def required(value: Any, name: str) -> Any:
    if value is None:
        raise ChorusUnavailable(f"Réponse incomplète de Chorus Pro : le champ {name} est absent.")
    return value


@dataclass(frozen=True)
class Paging:
    page: int
    pages: int | None
    total: int | None


def paging(data: Mapping[str, Any], requested_page: int) -> Paging:
    """Paging data from `parametresRetour`, or from the top level where some operations put it."""
    box = section(data, "parametresRetour") or data
    return Paging(
        page=integer(first(box, "pageCourante")) or requested_page,
        pages=integer(first(box, "pages")),
        total=integer(first(box, "total")),
    )


def is_last_page(found: Paging, requested_page: int, count: int, page_size: int) -> bool:
    if count == 0:
        return True
    if found.pages is not None:
        return requested_page >= found.pages
    return count < page_size
