"""The one HTTP seam to PISTE / Chorus Pro: token, headers, timeouts, error mapping, retries, journal.

chorus-api.md §1 (gateway and authentication) and §2 (reply shape and errors).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import requests

from .config import SIMULATOR, Endpoints, PisteApp, TechnicalAccount
from .errors import ChorusAuthError, ChorusError, ChorusRateLimited, ChorusRejected, ChorusUnavailable
from .journal import Exchange, Journaled, Redactor, safe_writer
from .values import dumps, integer

logger = logging.getLogger("chorus.client")

T = TypeVar("T")

# PISTE tokens live 3600 s; renewing a minute early keeps a token from expiring between cache and gateway.
TOKEN_MARGIN_S = 60
# Used when the token reply has no usable expires_in: short, and a 401 renews it anyway.
FALLBACK_TOKEN_LIFETIME_S = 300
# Chorus answers 400 with {codeRetour, libelle} for refusals; these statuses also mean "Chorus said no".
REFUSAL_STATUSES = frozenset({400, 409, 413, 422})


@dataclass(frozen=True)
class RetryPolicy:
    """How read operations are retried inside the client (writes never are).

    A Retry-After longer than `max_retry_after` is not waited for in-process: the error goes up so a task can
    come back later instead of holding a worker or a web request.
    """

    attempts: int = 3
    backoff: float = 0.5
    max_backoff: float = 4.0
    max_retry_after: float = 10.0

    def delay(self, attempt: int, error: ChorusUnavailable) -> float | None:
        if isinstance(error, ChorusRateLimited) and error.retry_after is not None:
            return error.retry_after if error.retry_after <= self.max_retry_after else None
        return min(self.backoff * 2 ** (attempt - 1), self.max_backoff)


class _TokenRefused(ChorusAuthError):
    """A 401 on an API call: the caller renews the token once before giving up."""


def token_cache_key(endpoints: Endpoints, piste: PisteApp) -> str:
    digest = hashlib.sha256(f"{endpoints.token_url}\n{piste.client_id}".encode()).hexdigest()
    return f"chorus:piste-token:{digest[:40]}"


def cpro_account(account: TechnicalAccount) -> str:
    return base64.b64encode(f"{account.login}:{account.password}".encode()).decode("ascii")


def retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - datetime.now(UTC)).total_seconds(), 0.0)


class Transport:
    def __init__(
        self,
        *,
        endpoints: Endpoints,
        piste: PisteApp,
        account: TechnicalAccount,
        token_cache: Any,
        journal: Callable[[Exchange], None],
        session: requests.Session,
        timeout: tuple[float, float],
        retry: RetryPolicy,
        sleep: Callable[[float], None],
    ) -> None:
        self.endpoints = endpoints
        self._piste = piste
        self._cpro_account = cpro_account(account)
        self._cache = token_cache
        self._write = safe_writer(journal)
        self._session = session
        self._timeout = timeout
        self._retry = retry
        self._sleep = sleep
        self._token_key = token_cache_key(endpoints, piste)
        self._redact = Redactor([account.password, piste.client_secret, self._cpro_account])

    # -- API calls -------------------------------------------------------------------------------------

    def call(
        self,
        operation: str,
        path: str,
        body: Mapping[str, Any] | None,
        parse: Callable[[dict[str, Any]], T],
        *,
        safe: bool,
        method: str = "POST",
        accept_codes: Collection[int] = (),
    ) -> T:
        """Sends one operation and returns its parsed reply.

        Reads (`safe`) are retried on ChorusUnavailable per the RetryPolicy; writes go out once, apart from
        the single replay after a 401 (the token was refused, so Chorus did not act on the call).
        """
        attempts = max(self._retry.attempts, 1) if safe else 1
        attempt = 1
        while True:
            try:
                return self._call_with_token(operation, method, path, body, parse, accept_codes)
            except ChorusError as e:
                e.operation = e.operation or operation  # which call, for chorus/refusals.py
                if not isinstance(e, ChorusUnavailable):
                    raise
                wait = self._retry.delay(attempt, e) if attempt < attempts else None
                if wait is None:
                    raise
                logger.info("Chorus %s: %s, nouvel essai dans %.1f s", operation, type(e).__name__, wait)
                self._sleep(wait)
                attempt += 1

    def _call_with_token(
        self,
        operation: str,
        method: str,
        path: str,
        body: Mapping[str, Any] | None,
        parse: Callable[[dict[str, Any]], T],
        accept_codes: Collection[int],
    ) -> T:
        try:
            return self._exchange(operation, method, path, body, parse, accept_codes, self._token())
        except _TokenRefused:
            self._cache.delete(self._token_key)
        try:
            return self._exchange(operation, method, path, body, parse, accept_codes, self._token())
        except _TokenRefused as e:
            raise ChorusAuthError(e.message, http_status=401) from e

    def _exchange(
        self,
        operation: str,
        method: str,
        path: str,
        body: Mapping[str, Any] | None,
        parse: Callable[[dict[str, Any]], T],
        accept_codes: Collection[int],
        token: str,
    ) -> T:
        url = self._secure(self.endpoints.url(path))
        headers = {
            "Authorization": f"Bearer {token}",
            "cpro-account": self._cpro_account,
            "Content-Type": "application/json;charset=utf-8",
            "Accept": "application/json;charset=utf-8",
        }
        data = dumps(body) if body is not None else None
        redactor = self._redact.with_secret(token)
        record = redactor(json.loads(data)) if data is not None else None
        with self._journaled(redactor, operation, method, url, record) as entry:
            entry.response = self._session.request(
                method, url, data=data, headers=headers, timeout=self._timeout
            )
            payload = entry.read_json()
            return parse(self._check(entry.response, payload, accept_codes))

    def _check(
        self, response: requests.Response, payload: Any, accept_codes: Collection[int]
    ) -> dict[str, Any]:
        status = response.status_code
        if status == 401:
            raise _TokenRefused(_access_refused(status, response, payload), http_status=401)
        if status == 403:
            raise ChorusAuthError(_access_refused(status, response, payload), http_status=403)
        self._raise_for_common(status, response)
        if status in REFUSAL_STATUSES:
            raise _refusal(status, payload)
        if not 200 <= status < 300:
            raise ChorusUnavailable(f"Réponse inattendue de Chorus Pro (HTTP {status}).", http_status=status)
        if not isinstance(payload, dict):
            raise ChorusUnavailable(
                "Réponse illisible de Chorus Pro (pas un objet JSON) : le résultat de l'opération est inconnu.",
                http_status=status,
            )
        code = payload.get("codeRetour")
        if code not in (None, 0, "0") and integer(code) not in accept_codes:
            raise ChorusRejected(str(code), _libelle(payload), http_status=status)
        return payload

    @staticmethod
    def _raise_for_common(status: int, response: requests.Response) -> None:
        if status == 429:
            retry_after = retry_after_seconds(response.headers.get("Retry-After"))
            raise ChorusRateLimited(
                "Quota d'appels PISTE dépassé : Chorus Pro demande de patienter avant de réessayer.",
                retry_after=retry_after,
            )
        if status >= 500:
            raise ChorusUnavailable(
                f"Chorus Pro est momentanément indisponible (HTTP {status}) : le résultat de l'opération est "
                "inconnu.",
                http_status=status,
            )

    # -- PISTE token -----------------------------------------------------------------------------------

    def renew_token(self) -> str:
        """A fresh PISTE token, the cached one dropped (« Tester la connexion »)."""
        self._cache.delete(self._token_key)
        return self._fetch_token()

    def _token(self) -> str:
        cached = self._cache.get(self._token_key)
        return cached if isinstance(cached, str) and cached else self._fetch_token()

    def _fetch_token(self) -> str:
        # Chorus: PISTE oauth/token (chorus-api.md §1): form-encoded client credentials.
        form = {
            "grant_type": "client_credentials",
            "client_id": self._piste.client_id,
            "client_secret": self._piste.client_secret,
            "scope": "openid",
        }
        url = self._secure(self.endpoints.token_url)
        with self._journaled(self._redact, "token", "POST", url, self._redact(form)) as entry:
            entry.response = self._session.post(
                url, data=form, headers={"Accept": "application/json"}, timeout=self._timeout
            )
            payload = entry.read_json()
            status = entry.response.status_code
            if status in (400, 401, 403):
                raise ChorusAuthError(
                    f"PISTE a refusé les identifiants de l'application (HTTP {status}"
                    f"{_oauth_error(payload, self._redact)}) : vérifiez PISTE_CLIENT_ID et PISTE_CLIENT_SECRET.",
                    http_status=status,
                )
            self._raise_for_common(status, entry.response)
            token = payload.get("access_token") if isinstance(payload, dict) else None
            if not 200 <= status < 300 or not isinstance(token, str) or not token:
                raise ChorusUnavailable(
                    f"Réponse inattendue du serveur de jetons PISTE (HTTP {status}).", http_status=status
                )
            lifetime = integer(payload.get("expires_in")) or FALLBACK_TOKEN_LIFETIME_S
            if lifetime - TOKEN_MARGIN_S > 0:
                self._cache.set(self._token_key, token, lifetime - TOKEN_MARGIN_S)
            entry.redactor = self._redact.with_secret(token)
            return token

    def _secure(self, url: str) -> str:
        """`url`, when credentials may go there: outside the offline simulator, only over HTTPS."""
        if self.endpoints.environment != SIMULATOR and not url.lower().startswith("https://"):
            raise ChorusAuthError(
                f"Adresse Chorus Pro non chiffrée refusée ({url.split('?')[0]}) : les identifiants PISTE "
                "et Chorus Pro ne sont envoyés qu'en HTTPS. Corrigez la configuration de l'instance."
            )
        return url

    def _journaled(
        self, redactor: Redactor, operation: str, method: str, url: str, request: Any
    ) -> Journaled:
        return Journaled(
            write=self._write,
            environment=self.endpoints.environment,
            redactor=redactor,
            operation=operation,
            method=method,
            url=url,
            request=request,
        )


def _access_refused(status: int, response: requests.Response, payload: Any) -> str:
    libelle = payload.get("libelle") if isinstance(payload, dict) else None
    challenge = response.headers.get("WWW-Authenticate", "").lower()
    if libelle:
        reason = f"Chorus Pro refuse l'accès (HTTP {status}) : {libelle}"
    elif "login" in challenge or "password" in challenge:
        reason = (
            "Le compte technique Chorus Pro a été refusé (identifiant ou mot de passe incorrect, ou mot de passe "
            "expiré)"
        )
    elif status == 403:
        reason = (
            "Chorus Pro refuse l'accès (HTTP 403) : compte technique sans droits sur cette structure, mot de passe "
            "expiré ou API non autorisée pour l'application PISTE"
        )
    else:
        reason = "L'accès à Chorus Pro a été refusé (jeton PISTE ou compte technique non reconnu)"
    return f"{reason.rstrip('.')}. Vérifiez le compte technique dans Paramètres."


def _oauth_error(payload: Any, redactor: Redactor) -> str:
    if not isinstance(payload, dict) or not payload.get("error"):
        return ""
    detail = str(payload["error"])
    if payload.get("error_description"):
        detail += f" : {payload['error_description']}"
    return f", {redactor.scrub(detail)}"


def _libelle(payload: Any) -> str:
    if isinstance(payload, dict):
        for key in ("libelle", "message", "error_description", "error"):
            if payload.get(key):
                return str(payload[key])
    return "refus sans libellé"


def _refusal(status: int, payload: Any) -> ChorusRejected:
    if isinstance(payload, dict) and payload.get("codeRetour") not in (None, ""):
        return ChorusRejected(str(payload["codeRetour"]), _libelle(payload), http_status=status)
    if status == 413:
        return ChorusRejected(
            "413", "Fichier trop volumineux pour Chorus Pro (10 Mo au maximum).", http_status=413
        )
    if isinstance(payload, dict):
        return ChorusRejected(str(status), _libelle(payload), http_status=status)
    return ChorusRejected(
        str(status), "Requête refusée par Chorus Pro (réponse sans détail).", http_status=status
    )
