"""Security suite: what an attacker tries (forged posts, anonymous access, guessing, hostile input)."""

from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture
def chorus_timeout():
    return (2.0, 5.0)


@pytest.fixture
def submission(cabinet, monkeypatch):
    """A Mairie invoice deposited in a fake Chorus, its screen open for editing."""
    from tests.chorus.fake_chorus import install

    install(monkeypatch)
    invoice = factories.make_invoice(cabinet, client=factories.make_public_client(cabinet), issued=True)
    return factories.make_submission(invoice, factories.make_chorus_account(cabinet))
