"""Telephone numbers: stored in E.164 (+33561123456), shown the French way (05 61 12 34 56), checked with
libphonenumber. A number typed without a country code is read as French."""

from __future__ import annotations

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError

# Overseas departments share the French dialling plan (0 + 9 digits): « 0590 12 34 56 » is typed the same way.
FRENCH_REGIONS = ("FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF")

INVALID = (
    "Ce numéro de téléphone n'est pas valide : 10 chiffres pour la France (ex. : 05 61 12 34 56), "
    "ou l'indicatif du pays pour l'étranger (ex. : +32 2 555 12 12)."
)


def _parse(value: str) -> phonenumbers.PhoneNumber | None:
    for region in FRENCH_REGIONS:
        try:
            number = phonenumbers.parse(value, region)
        except phonenumbers.NumberParseException:
            return None
        if phonenumbers.is_valid_number(number):
            return number
        if value.startswith("+"):
            return None
    return None


def normalize_phone(value: str) -> str:
    """The E.164 form of a typed number ('' stays ''). Raises ValidationError in French."""
    value = (value or "").strip()
    if not value:
        return ""
    number = _parse(value)
    if number is None:
        raise ValidationError(INVALID, code="phone_invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(value: str) -> str:
    """« 05 61 12 34 56 » for a French number, « +32 2 123 45 67 » for another; a value that is not a number
    (typed before numbers were checked) is shown as it was stored."""
    value = (value or "").strip()
    if not value:
        return ""
    number = _parse(value)
    if number is None:
        return value
    if phonenumbers.region_code_for_number(number) in FRENCH_REGIONS:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class PhoneField(forms.CharField):
    """A telephone input: shown formatted, cleaned to E.164."""

    def prepare_value(self, value):
        return format_phone(value) if isinstance(value, str) else value

    def clean(self, value):
        return normalize_phone(super().clean(value))


def stored_form(value: str) -> str:
    """What a number stored before numbers were checked becomes: its E.164 form, or the value as it
    was when it is not a number (nobody is there to retype it)."""
    try:
        return normalize_phone(value)
    except ValidationError:
        return value


def normalize_stored_phones(model, fields: tuple[str, ...]) -> int:
    """Rewrites the phone `fields` of every row of `model` (a migration's historical model too) in E.164,
    leaving values that are not numbers unchanged; returns how many rows changed."""
    changed = []
    for row in model._default_manager.only("pk", *fields).iterator(chunk_size=2000):
        before = [getattr(row, f) for f in fields]
        after = [stored_form(v) for v in before]
        if after != before:
            for f, v in zip(fields, after, strict=True):
                setattr(row, f, v)
            changed.append(row)
    model._default_manager.bulk_update(changed, fields, batch_size=500)
    return len(changed)
