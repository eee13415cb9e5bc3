"""The guard against network calls inside a database transaction (tests/conftest.py, fake_chorus.py)."""

from __future__ import annotations

import pytest


def fail_if_in_transaction(what: str) -> None:
    from chorus.services.connection import caller_holds_transaction

    if caller_holds_transaction():
        pytest.fail(f"Appel à Chorus Pro ({what}) dans une transaction de base de données", pytrace=True)
