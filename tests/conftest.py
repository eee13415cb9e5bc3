"""Shared fixtures: two cabinets, their users, and a network guard for unit tests."""

from __future__ import annotations

import pytest
import responses

from geoprod.models import Role
from tests import factories


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def http(request):
    """A responses mock around every unit test: a forgotten mock raises ConnectionError.

    Integration and e2e tests talk over real HTTP, so they are left alone.
    """
    if request.node.get_closest_marker("integration") or request.node.get_closest_marker("e2e"):
        yield None
        return
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture(autouse=True)
def no_chorus_call_in_a_transaction(monkeypatch):
    """Fails any test in which the Chorus client sends while a database transaction is open."""
    from chorus.client import journal
    from tests.transactions import fail_if_in_transaction

    enter = journal.Journaled.__enter__

    def guarded(self):
        fail_if_in_transaction(self.operation)
        return enter(self)

    monkeypatch.setattr(journal.Journaled, "__enter__", guarded)


@pytest.fixture
def chorus_timeout():
    """(connect, read) timeouts of the product's Chorus calls in simulator tests; fault tests count on them."""
    return (2.0, 2.0)


@pytest.fixture
def simulator(live_server, settings, chorus_timeout):
    """Points the product's simulator environment at the live server; returns the simulator's state module."""
    from chorus.simulator import state

    base = f"{live_server.url}/{settings.SIMULATOR_PREFIX}"
    settings.CHORUS_ENDPOINTS = {
        **settings.CHORUS_ENDPOINTS,
        "simulator": {"token_url": f"{base}/api/oauth/token", "api_base": f"{base}/cpro"},
    }
    settings.CHORUS_TIMEOUT = chorus_timeout
    state.ensure_seeded()
    state.reset(data=True)
    return state


@pytest.fixture
def cabinet(db):
    return factories.make_cabinet(raison_sociale="Géomètres Experts Garonne")


@pytest.fixture
def other_cabinet(db):
    return factories.make_cabinet(
        raison_sociale="Cabinet Rhône Topographie",
        siret="79845612500011",
        tva_intracom="FR44798456125",
        ville="Lyon",
        code_postal="69002",
    )


@pytest.fixture
def admin(cabinet):
    return factories.make_user(cabinet, role=Role.ADMIN, username="admin-garonne")


@pytest.fixture
def comptable(cabinet):
    return factories.make_user(cabinet, role=Role.COMPTABLE, username="compta-garonne")


@pytest.fixture
def stranger(other_cabinet):
    return factories.make_user(other_cabinet, role=Role.ADMIN, username="admin-rhone")


@pytest.fixture
def client_as(client):
    """client_as(user) -> the Django test client logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login
