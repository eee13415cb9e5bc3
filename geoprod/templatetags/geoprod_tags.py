from __future__ import annotations

from django import template

from geoprod.phones import format_phone

register = template.Library()


@register.filter
def person(user) -> str:
    """A user's full name, else their login, else an empty string."""
    if user is None:
        return ""
    return user.get_full_name() or user.username


@register.filter
def phone(value) -> str:
    """A stored telephone number as the French write it: « 05 61 12 34 56 »."""
    return format_phone(value or "")
