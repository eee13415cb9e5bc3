"""Fixtures of the product's Chorus services (test_submit.py, test_refresh.py …); the client's unit tests
keep theirs in client/."""

from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture
def chorus(monkeypatch):
    """The fake Chorus Pro every service call talks to in the service unit tests."""
    from tests.chorus.fake_chorus import install

    return install(monkeypatch)


@pytest.fixture
def account(cabinet):
    return factories.make_chorus_account(cabinet)


@pytest.fixture
def mairie(cabinet):
    return factories.make_public_client(cabinet)


@pytest.fixture
def issued_invoice(cabinet, mairie):
    return factories.make_invoice(cabinet, client=mairie, issued=True, objet="Relevé topographique")
