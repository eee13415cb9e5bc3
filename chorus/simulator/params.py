"""Reading request bodies the way Chorus does: typed fields, enums, dates, money, paging."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from chorus.simulator import codes
from chorus.simulator.api import Refusal

DEFAULT_PAGE_SIZE = 10


def missing(name: str) -> Refusal:
    return Refusal(codes.CHAMP_OBLIGATOIRE, f"Le champ {name} est obligatoire.")


def obj(body: dict, key: str) -> dict:
    value = body.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Refusal(codes.VALEUR_INVALIDE, f"Le champ {key} doit être un objet.")
    return value


def _given(body: dict, key: str, required: bool):
    """The raw value, None when absent or empty (Chorus treats both alike); a required one must be there."""
    value = body.get(key)
    if value is None or value == "":
        if required:
            raise missing(key)
        return None
    return value


def text(body: dict, key: str, *, required: bool = False, max_length: int | None = None) -> str:
    value = _given(body, key, required)
    if value is None:
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise Refusal(codes.VALEUR_INVALIDE, f"Le champ {key} doit être une chaîne de caractères.")
    value = str(value).strip()
    if max_length is not None and len(value) > max_length:
        raise Refusal(codes.VALEUR_INVALIDE, f"Le champ {key} dépasse {max_length} caractères.")
    return value


def integer(body: dict, key: str, *, required: bool = False) -> int | None:
    value = _given(body, key, required)
    if value is None:
        return None
    if isinstance(value, bool):
        raise Refusal(codes.VALEUR_INVALIDE, f"Le champ {key} doit être un entier.")
    try:
        return int(str(value))
    except ValueError:
        raise Refusal(codes.VALEUR_INVALIDE, f"Le champ {key} doit être un entier.") from None


def enum(body: dict, key: str, allowed: tuple[str, ...], *, required: bool = False, default: str = "") -> str:
    value = text(body, key, required=required) or default
    if value and value not in allowed:
        raise Refusal(
            codes.VALEUR_INVALIDE,
            f"Valeur « {value} » non autorisée pour {key} (attendu : {', '.join(allowed)}).",
        )
    return value


def day(body: dict, key: str, *, required: bool = False) -> date | None:
    value = text(body, key, required=required)
    if not value:
        return None
    parsed = parse_date(value[:10]) if len(value) >= 10 else None
    if parsed is None:
        raise Refusal(codes.VALEUR_INVALIDE, f"Le champ {key} doit être une date AAAA-MM-JJ.")
    return parsed


def moment(body: dict, key: str) -> datetime | None:
    """A date-time filter; ISO 8601 with or without offset, or a bare date (start of that day)."""
    value = text(body, key)
    if not value:
        return None
    try:
        parsed = parse_datetime(value.replace(" ", "T")) or (
            datetime.combine(parse_date(value), datetime.min.time()) if parse_date(value) else None
        )
    except ValueError:
        parsed = None
    if parsed is None:
        raise Refusal(codes.VALEUR_INVALIDE, f"Le champ {key} doit être une date-heure ISO 8601.")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def money(body: dict, key: str, *, required: bool = False) -> Decimal | None:
    """An amount with at most two decimals; JSON numbers go through str() so 0.1 stays 0.1."""
    value = _given(body, key, required)
    if value is None:
        return None
    if isinstance(value, bool):
        raise Refusal(codes.VALEUR_INVALIDE, f"Le montant {key} est invalide.")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise Refusal(codes.VALEUR_INVALIDE, f"Le montant {key} est invalide.") from None
    if not amount.is_finite() or amount.as_tuple().exponent < -2:
        raise Refusal(codes.VALEUR_INVALIDE, f"Le montant {key} a plus de deux décimales.")
    return amount


def page(items: list | QuerySet, paging: dict) -> tuple[list, dict]:
    """One page of `items` and the `parametresRetour` describing it (1-based pages, 10 by default).

    A queryset is counted and sliced in the database, so a page costs its own rows, not the whole list."""
    size = integer(paging, "nbResultatsParPage")
    number = integer(paging, "pageResultatDemandee")
    size = DEFAULT_PAGE_SIZE if size is None else size
    number = 1 if number is None else number
    if size < 1 or number < 1:
        raise Refusal(codes.VALEUR_INVALIDE, "Pagination invalide : page et taille doivent être ≥ 1.")
    total = items.count() if isinstance(items, QuerySet) else len(items)
    start = (number - 1) * size
    return list(items[start : start + size]), {
        "total": total,
        "pageCourante": number,
        "pages": math.ceil(total / size),
        "nbResultatsParPage": size,
    }


def paging_object(body: dict, expected: str, refused: tuple[str, ...] = ()) -> dict:
    """The operation's own paging object; Chorus refuses another operation's key."""
    for wrong in refused:
        if wrong in body:
            raise Refusal(
                codes.REQUETE_INVALIDE,
                f"Paramètre {wrong} non reconnu pour ce service ; utiliser {expected}.",
            )
    return obj(body, expected)
