"""The four ways a Chorus Pro call can fail, named for what the caller should do about it."""

from __future__ import annotations


class ChorusError(Exception):
    """Base of every error raised by the Chorus Pro client; the message is French, shown to users."""

    def __init__(self, message: str, *, http_status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.http_status = http_status
        self.operation = ""  # the client's name of the call that failed, set by the transport


class ChorusUnavailable(ChorusError):
    """Timeout, connection error, 5xx, unreadable reply: the outcome is unknown, try again later."""


class ChorusRateLimited(ChorusUnavailable):
    """PISTE quota exceeded (HTTP 429); wait `retry_after` seconds when Chorus says how long."""

    def __init__(
        self, message: str, *, retry_after: float | None = None, http_status: int | None = 429
    ) -> None:
        super().__init__(message, http_status=http_status)
        self.retry_after = retry_after


class ChorusAuthError(ChorusError):
    """PISTE credentials or technical account refused (or its password expired): fix Paramètres."""


class ChorusRejected(ChorusError):
    """Chorus Pro said no (HTTP 400 or codeRetour ≠ 0): show the libellé, never retry as is."""

    def __init__(self, code: str, libelle: str, *, http_status: int | None = None) -> None:
        self.code = str(code)
        self.libelle = libelle
        super().__init__(
            f"Chorus Pro a refusé la demande (code {self.code}) : {libelle}", http_status=http_status
        )
