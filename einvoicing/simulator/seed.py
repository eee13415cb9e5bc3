"""The simulator's Directory: one line per SIREN given (the SIREN itself as the electronic address)."""

from __future__ import annotations

from einvoicing.simulator.models import SimDirectoryLine


def seed_directory(companies: list[tuple[str, str]]) -> int:
    """(SIREN, business name) pairs → Directory lines, created once; returns how many were added."""
    added = 0
    for siren, name in companies:
        _, created = SimDirectoryLine.objects.get_or_create(
            addressing_identifier=siren, defaults={"siren": siren, "business_name": name}
        )
        added += created
    return added
