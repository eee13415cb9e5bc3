"""The journal of Chorus Pro calls: one Exchange per HTTP call, with secrets and file bodies removed."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import requests

from .errors import ChorusError, ChorusUnavailable
from .values import integer

logger = logging.getLogger("chorus.client")

# Base64 file bodies: kept out of the journal (size and confidentiality), replaced by their size.
FILE_FIELDS = frozenset(
    {"fichierFacture", "pieceJointeFichier", "fichierFlux", "fichierCR", "fichierResultat"}
)
SECRET_FIELDS = frozenset({"client_secret", "access_token", "refresh_token", "id_token", "password"})
MASK = "<masqué>"
MAX_TEXT_IN_JOURNAL = 2000


@dataclass(frozen=True)
class Exchange:
    """One HTTP call as the journal keeps it; request (the JSON or form body) and response are redacted.

    Headers are not kept at all: they only carry the token, the cpro-account credentials and content types.
    """

    operation: str
    environment: str
    method: str
    url_path: str
    http_status: int | None
    duration_ms: int
    code_retour: int | None
    request: Any
    response: Any
    error: str | None


class Redactor:
    """Removes every secret and file body from what goes into the journal."""

    def __init__(self, secrets: Collection[str]) -> None:
        # Very short values would mask ordinary words; real secrets are longer than this.
        self._secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def __call__(self, value: Any, key: str | None = None) -> Any:
        if key in SECRET_FIELDS:
            return MASK
        if key in FILE_FIELDS and isinstance(value, str):
            return f"<{len(value.rstrip('=')) * 3 // 4} octets>"
        if isinstance(value, Mapping):
            return {str(k): self(v, str(k)) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self(v) for v in value]
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, str):
            return self.scrub(value)
        return value

    def with_secret(self, secret: str) -> Redactor:
        return Redactor([*self._secrets, secret])

    def scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return text


def safe_writer(journal: Callable[[Exchange], None]) -> Callable[[Exchange], None]:
    def write(exchange: Exchange) -> None:
        # A journal failure must not hide Chorus's answer: after a submit, losing the reply would lose the
        # identifiantFactureCPP of an invoice that exists in Chorus.
        try:
            journal(exchange)
        except Exception:
            logger.exception("Chorus %s : écriture du journal impossible", exchange.operation)

    return write


def _public_name(error: BaseException) -> str:
    return next(cls.__name__ for cls in type(error).__mro__ if not cls.__name__.startswith("_"))


class Journaled:
    """Times one HTTP call, maps transport failures to ChorusUnavailable, and journals it whatever happens."""

    def __init__(
        self,
        *,
        write: Callable[[Exchange], None],
        environment: str,
        redactor: Redactor,
        operation: str,
        method: str,
        url: str,
        request: Any,
    ) -> None:
        self.write = write
        self.environment = environment
        self.redactor = redactor
        self.operation = operation
        self.method = method
        self.url = url
        self.request = request
        self.response: requests.Response | None = None
        self.payload: Any = None

    def __enter__(self) -> Journaled:
        self.started = time.monotonic()
        return self

    def read_json(self) -> Any:
        """The reply's JSON with exact Decimal amounts, or None when it is not JSON."""
        assert self.response is not None
        try:
            self.payload = json.loads(self.response.content or b"null", parse_float=Decimal)
        except ValueError:
            self.payload = None
        return self.payload

    def __exit__(self, exc_type: Any, exc: BaseException | None, tb: Any) -> bool:
        duration_ms = int((time.monotonic() - self.started) * 1000)
        mapped = exc
        if isinstance(exc, requests.Timeout):
            mapped = ChorusUnavailable(
                "Chorus Pro n'a pas répondu à temps : le résultat de l'opération est inconnu."
            )
        elif isinstance(exc, requests.RequestException):
            mapped = ChorusUnavailable("Connexion à Chorus Pro impossible : réessayez plus tard.")
        status = self.response.status_code if self.response is not None else None
        self.write(
            Exchange(
                operation=self.operation,
                environment=self.environment,
                method=self.method,
                url_path=urlsplit(self.url).path,
                http_status=status,
                duration_ms=duration_ms,
                code_retour=integer(self.payload.get("codeRetour"))
                if isinstance(self.payload, dict)
                else None,
                request=self.request,
                response=self._redacted_response(),
                error=self._error_text(mapped),
            )
        )
        logger.info(
            "Chorus %s (%s) : HTTP %s en %d ms%s",
            self.operation,
            self.environment,
            status,
            duration_ms,
            f", {_public_name(mapped)}" if mapped is not None else "",
        )
        if mapped is not None and mapped is not exc:
            raise mapped from exc
        return False

    def _redacted_response(self) -> Any:
        if self.payload is not None:
            return self.redactor(self.payload)
        if self.response is not None and self.response.content:
            return self.redactor.scrub(self.response.text[:MAX_TEXT_IN_JOURNAL])
        return None

    def _error_text(self, error: BaseException | None) -> str | None:
        if error is None:
            return None
        message = error.message if isinstance(error, ChorusError) else str(error)
        return f"{_public_name(error)}: {self.redactor.scrub(message)}"
