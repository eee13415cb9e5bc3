"""Security suite: what an attacker tries (forged posts, anonymous access, guessing, hostile input)."""

from __future__ import annotations

import pytest


@pytest.fixture
def chorus_timeout():
    return (2.0, 5.0)
