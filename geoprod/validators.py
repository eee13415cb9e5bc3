"""Field validators with French messages, backed by python-stdnum and schwifty."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.eu import vat as stdnum_eu_vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siret as stdnum_siret
from stdnum.fr import tva as stdnum_tva


def compact_siret(value: str) -> str:
    return stdnum_siret.compact(value or "")


def validate_siret_digits(value: str) -> None:
    """Fourteen digits, checksum not checked (for identifiers issued by test platforms)."""
    number = compact_siret(value or "")
    if number and (not number.isdigit() or len(number) != 14):
        raise ValidationError("Le SIRET doit comporter 14 chiffres.", code="siret_length")


def validate_siret(value: str) -> None:
    if not value:
        return
    number = compact_siret(value)
    if not (number.isascii() and number.isdigit()) or len(number) != 14:
        raise ValidationError("Le SIRET doit comporter 14 chiffres.", code="siret_length")
    try:
        stdnum_siret.validate(number)
    except StdnumError:
        raise ValidationError(
            "Ce numéro SIRET n'est pas valide (clé de contrôle incorrecte).", code="siret_invalid"
        ) from None


def validate_french_postcode(value: str) -> None:
    """Five digits, from 01 (Ain) to 98 (overseas); Corsica is 20xxx, not 2A/2B."""
    if not value:
        return
    if not re.fullmatch(r"(0[1-9]|[1-8][0-9]|9[0-8])[0-9]{3}", value):
        raise ValidationError(
            "Un code postal français comporte 5 chiffres (ex. : 31000, 20000 en Corse, 97400 à La Réunion).",
            code="postcode_invalid",
        )


def validate_tva_intracom(value: str) -> None:
    if not value:
        return
    try:
        stdnum_tva.validate(value)
    except StdnumError:
        raise ValidationError(
            "Ce numéro de TVA intracommunautaire n'est pas valide (format FRXX999999999).", code="tva_invalid"
        ) from None


def validate_eu_vat(value: str) -> None:
    """Any EU member state's VAT number, country prefix first (a client may be Belgian or German)."""
    if not value:
        return
    try:
        stdnum_eu_vat.validate(value)
    except StdnumError:
        raise ValidationError(
            "Ce numéro de TVA intracommunautaire n'est pas valide : il commence par le code du pays "
            "(ex. : FR19812345676, BE0403019261).",
            code="vat_invalid",
        ) from None


def validate_iban(value: str) -> None:
    if not value:
        return
    try:
        IBAN(value)
    except SchwiftyException:
        raise ValidationError("Cet IBAN n'est pas valide.", code="iban_invalid") from None


def validate_bic(value: str) -> None:
    if not value:
        return
    try:
        BIC(value)
    except SchwiftyException:
        raise ValidationError("Ce BIC n'est pas valide.", code="bic_invalid") from None


@deconstructible
class MaxLinesValidator:
    """A multi-line text with at most `limit` lines (a pasted text may be short in characters, long on paper)."""

    def __init__(self, limit: int):
        self.limit = limit

    def __call__(self, value: str) -> None:
        count = len((value or "").splitlines())
        if count > self.limit:
            raise ValidationError(
                "Ce texte compte %(count)d lignes : %(limit)d au plus.",
                code="max_lines",
                params={"count": count, "limit": self.limit},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, MaxLinesValidator) and other.limit == self.limit
