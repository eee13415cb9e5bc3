"""Where a cabinet's Plateforme Agréée lives and who the cabinet is to it (XP Z12-013, reference.md §2–3).

Each PA publishes its own base URLs and token URL; the API paths below them are the standard's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Offline simulator served by the app in demo mode; outside it, only HTTPS is accepted.
SIMULATOR_HOSTS = ("127.0.0.1", "localhost", "testserver")


@dataclass(frozen=True)
class PlatformEndpoints:
    flow_base: str  # …/flow-service (the paths add /v1/flows…)
    directory_base: str  # …/directory-service (the paths add /v1/directory-line…)
    token_url: str

    def flow(self, path: str) -> str:
        return f"{self.flow_base.rstrip('/')}/{path.lstrip('/')}"

    def directory(self, path: str) -> str:
        return f"{self.directory_base.rstrip('/')}/{path.lstrip('/')}"


@dataclass(frozen=True)
class PlatformCredentials:
    """OAuth2 client credentials issued by the PA to the cabinet (reference.md §2: the usual grant, [M])."""

    client_id: str
    client_secret: str = field(repr=False)
