"""Walking the project's URLconf, for the tests that check every URL (tenancy, login, CSRF)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver


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
