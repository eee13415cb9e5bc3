"""Walking the project's URLconf, for the tests that check every URL (tenancy, login, CSRF)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver, reverse


def named_patterns(resolver=None, namespace=""):
    """(name, pattern) for every named URL of the project, namespaces included."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            yield from named_patterns(entry, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def all_patterns(resolver=None, prefix=""):
    """(route as written, callback) for every URL pattern, named or not, admin included."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from all_patterns(entry, prefix + str(entry.pattern))
        else:
            yield prefix + str(entry.pattern), entry.callback


def url_for(name: str, pattern: URLPattern, objects: dict) -> str:
    """The URL `name` with the ids of `objects` (factories.make_one_of_each): the object whose key is a word of
    the URL name, and the reminder for a reminder's PDF."""
    kwargs = {}
    if "pk" in pattern.pattern.converters:
        obj = next((o for key, o in objects.items() if key in name.split(":")[-1]), None)
        assert obj is not None, f"{name}: no object known for this URL, extend factories.make_one_of_each"
        kwargs["pk"] = obj.pk
    if "fmt" in pattern.pattern.converters:
        kwargs["fmt"] = "csv"  # exports: any of their formats answers the same way
    if "reminder_pk" in pattern.pattern.converters:
        kwargs["reminder_pk"] = objects["reminder"].reminders.get().pk
    if "index" in pattern.pattern.converters:
        kwargs["index"] = 1
    for key in pattern.pattern.converters:
        if key not in kwargs:
            kwargs[key] = SAMPLE_VALUES[key]
    return reverse(name, kwargs=kwargs)


# Values for the URL parameters that are not ids (e-reporting file kind and period).
SAMPLE_VALUES = {"kind": "transactions", "key": "20261101-20261110", "secret": "secret-inconnu"}
