"""How a call to the Plateforme Agréée can fail: the Chorus client's four errors, named for what to do, with
the platform's own wording. Subclasses, so a task that retries ChorusUnavailable retries these too."""

from __future__ import annotations

from chorus.client.errors import (
    ChorusAuthError,
    ChorusError,
    ChorusRateLimited,
    ChorusRejected,
    ChorusUnavailable,
)

PlatformError = ChorusError  # the family's base: every error below is one


class PlatformUnavailable(ChorusUnavailable):
    """Timeout, connection error, 5xx, unreadable reply: the outcome is unknown, try again later."""


class PlatformRateLimited(ChorusRateLimited, PlatformUnavailable):
    """HTTP 429: wait `retry_after` seconds when the platform says how long."""


class PlatformAuthError(ChorusAuthError):
    """Token refused, credentials wrong, or no right on this resource: fix Paramètres."""


class PlatformRejected(ChorusRejected):
    """The platform said no (4xx with an errorCode, or an acknowledgement in error): never retried as is."""

    def __init__(self, code: str, libelle: str, *, http_status: int | None = None) -> None:
        self.code = str(code)
        self.libelle = libelle
        ChorusError.__init__(
            self,
            f"La plateforme agréée a refusé la demande ({self.code}) : {libelle}",
            http_status=http_status,
        )
