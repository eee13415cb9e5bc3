"""Integration tests talk over real HTTP to the Chorus Pro simulator served by a live server (the `simulator`
fixture of tests/conftest.py), on PostgreSQL and Redis in CI."""

from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture
def account(simulator, cabinet):
    """The cabinet's Chorus block filled with the simulator's Garonne account, then « Mettre à jour »."""
    from chorus import services

    return services.update_account(account=factories.make_chorus_account(cabinet, ready=False))
