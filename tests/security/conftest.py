"""Security suite: what an attacker tries (forged posts, anonymous access, guessing, hostile input)."""

from __future__ import annotations

import pytest
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


@pytest.fixture
def simulator(live_server, settings):
    """The product's simulator environment pointed at the live server (as in tests/integration)."""
    from chorus.simulator import state

    base = f"{live_server.url}/{settings.SIMULATOR_PREFIX}"
    settings.CHORUS_ENDPOINTS = {
        **settings.CHORUS_ENDPOINTS,
        "simulator": {"token_url": f"{base}/api/oauth/token", "api_base": f"{base}/cpro"},
    }
    settings.CHORUS_TIMEOUT = (2.0, 5.0)
    state.ensure_seeded()
    state.reset(data=True)
    return state
