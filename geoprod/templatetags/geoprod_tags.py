from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def person(user) -> str:
    """A user's full name, else their login, else an empty string."""
    if user is None:
        return ""
    return user.get_full_name() or user.username
