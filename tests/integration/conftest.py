"""Integration tests talk over real HTTP to the Chorus Pro simulator served by a live server."""

from __future__ import annotations

import pytest


@pytest.fixture
def simulator(live_server, settings):
    """Points the product's simulator environment at the live server; returns the simulator's state module."""
    from chorus.simulator import state

    base = f"{live_server.url}/{settings.SIMULATOR_PREFIX}"
    settings.CHORUS_ENDPOINTS = {
        **settings.CHORUS_ENDPOINTS,
        "simulator": {"token_url": f"{base}/api/oauth/token", "api_base": f"{base}/cpro"},
    }
    settings.CHORUS_TIMEOUT = (2.0, 2.0)
    state.ensure_seeded()
    state.reset(data=True)
    return state
