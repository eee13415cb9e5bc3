"""The one HTTP seam to a Plateforme Agréée: OAuth2 token, Bearer header, X-Request-Id, timeouts, error
mapping, retries of reads. Shaped like chorus/client/transport.py; the token is cached the same way."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Mapping
from typing import Any

import requests

from chorus.client.transport import RetryPolicy, retry_after_seconds

from .config import PlatformCredentials, PlatformEndpoints
from .errors import PlatformAuthError, PlatformRateLimited, PlatformRejected, PlatformUnavailable

logger = logging.getLogger("einvoicing.client")

TOKEN_MARGIN_S = 60
FALLBACK_TOKEN_LIFETIME_S = 300
REJECTION_STATUSES = frozenset({400, 404, 408, 409, 413, 422})


def token_cache_key(endpoints: PlatformEndpoints, credentials: PlatformCredentials) -> str:
    digest = hashlib.sha256(f"{endpoints.token_url}\n{credentials.client_id}".encode()).hexdigest()
    return f"einvoicing:pa-token:{digest[:40]}"


class _TokenRefused(PlatformAuthError):
    """A 401 on an API call: the token is renewed once before giving up."""


class PlatformTransport:
    def __init__(
        self,
        *,
        endpoints: PlatformEndpoints,
        credentials: PlatformCredentials,
        token_cache: Any,
        session: requests.Session,
        timeout: tuple[float, float],
        retry: RetryPolicy,
        sleep: Callable[[float], None],
        allow_plain_http: bool = False,
    ) -> None:
        self.endpoints = endpoints
        self._credentials = credentials
        self._cache = token_cache
        self._session = session
        self._timeout = timeout
        self._retry = retry
        self._sleep = sleep
        self._allow_plain_http = allow_plain_http
        self._token_key = token_cache_key(endpoints, credentials)

    def call(
        self,
        operation: str,
        method: str,
        url: str,
        *,
        safe: bool,
        json: Mapping[str, Any] | None = None,
        files: Mapping[str, tuple] | None = None,
        params: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """Sends one request and returns the 2xx response. Reads (`safe`) are retried on
        PlatformUnavailable per the RetryPolicy; writes go out once (apart from the replay after a 401,
        when the platform refused the token and so did not act)."""
        attempts = max(self._retry.attempts, 1) if safe else 1
        attempt = 1
        while True:
            try:
                return self._with_token(operation, method, url, json, files, params)
            except PlatformUnavailable as e:
                e.operation = e.operation or operation
                wait = self._retry.delay(attempt, e) if attempt < attempts else None
                if wait is None:
                    raise
                logger.info("PA %s : %s, nouvel essai dans %.1f s", operation, type(e).__name__, wait)
                self._sleep(wait)
                attempt += 1
            except (PlatformRejected, PlatformAuthError) as e:
                e.operation = e.operation or operation
                raise

    def renew_token(self) -> str:
        self._cache.delete(self._token_key)
        return self._fetch_token()

    def _with_token(self, operation, method, url, json, files, params) -> requests.Response:
        try:
            return self._send(operation, method, url, json, files, params, self._token())
        except _TokenRefused:
            self._cache.delete(self._token_key)
        try:
            return self._send(operation, method, url, json, files, params, self._token())
        except _TokenRefused as e:
            raise PlatformAuthError(e.message, http_status=401) from e

    def _send(self, operation, method, url, json, files, params, token) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}", "X-Request-Id": str(uuid.uuid4())}
        try:
            response = self._session.request(
                method,
                self._secure(url),
                json=json,
                files=files,
                params=params,
                headers=headers,
                timeout=self._timeout,
            )
        except requests.Timeout as e:
            raise PlatformUnavailable(
                "La plateforme agréée n'a pas répondu à temps : le résultat de l'opération est inconnu."
            ) from e
        except requests.RequestException as e:
            raise PlatformUnavailable(
                f"La plateforme agréée est injoignable ({type(e).__name__}) : réessayez plus tard."
            ) from e
        self._check(response)
        return response

    def _check(self, response: requests.Response) -> None:
        status = response.status_code
        if 200 <= status < 300:
            return
        code, message = _error_of(response)
        if status == 401:
            raise _TokenRefused(
                "La plateforme agréée a refusé le jeton d'accès : vérifiez l'identifiant et le secret client "
                "dans Paramètres > Facturation électronique.",
                http_status=401,
            )
        if status == 403:
            raise PlatformAuthError(
                f"La plateforme agréée refuse l'accès (HTTP 403{', ' + code if code else ''}) : le compte du "
                "cabinet n'a pas les droits sur cette opération. Vérifiez son abonnement auprès de la plateforme.",
                http_status=403,
            )
        if status == 429:
            raise PlatformRateLimited(
                "Trop d'appels à la plateforme agréée : elle demande de patienter avant de réessayer.",
                retry_after=retry_after_seconds(response.headers.get("Retry-After")),
            )
        if status >= 500:
            raise PlatformUnavailable(
                f"La plateforme agréée est momentanément indisponible (HTTP {status}) : le résultat de "
                "l'opération est inconnu.",
                http_status=status,
            )
        if status in REJECTION_STATUSES or 400 <= status < 500:
            raise PlatformRejected(
                code or f"HTTP {status}", message or "refus sans détail", http_status=status
            )
        raise PlatformUnavailable(
            f"Réponse inattendue de la plateforme agréée (HTTP {status}).", http_status=status
        )

    def _token(self) -> str:
        cached = self._cache.get(self._token_key)
        return cached if isinstance(cached, str) and cached else self._fetch_token()

    def _fetch_token(self) -> str:
        form = {
            "grant_type": "client_credentials",
            "client_id": self._credentials.client_id,
            "client_secret": self._credentials.client_secret,
        }
        try:
            response = self._session.post(
                self._secure(self.endpoints.token_url),
                data=form,
                headers={"Accept": "application/json"},
                timeout=self._timeout,
            )
        except requests.RequestException as e:
            raise PlatformUnavailable(
                f"Le serveur de jetons de la plateforme agréée est injoignable ({type(e).__name__})."
            ) from e
        status = response.status_code
        if status in (400, 401, 403):
            raise PlatformAuthError(
                f"La plateforme agréée a refusé l'identifiant et le secret client (HTTP {status}) : "
                "vérifiez-les dans Paramètres > Facturation électronique.",
                http_status=status,
            )
        if status == 429 or status >= 500:
            self._check(response)
        payload = _json(response)
        token = payload.get("access_token") if isinstance(payload, dict) else None
        if not 200 <= status < 300 or not isinstance(token, str) or not token:
            raise PlatformUnavailable(
                f"Réponse inattendue du serveur de jetons de la plateforme agréée (HTTP {status}).",
                http_status=status,
            )
        try:
            lifetime = int(payload.get("expires_in") or FALLBACK_TOKEN_LIFETIME_S)
        except (TypeError, ValueError):
            lifetime = FALLBACK_TOKEN_LIFETIME_S
        if lifetime - TOKEN_MARGIN_S > 0:
            self._cache.set(self._token_key, token, lifetime - TOKEN_MARGIN_S)
        return token

    def _secure(self, url: str) -> str:
        if url.lower().startswith("https://") or self._allow_plain_http:
            return url
        raise PlatformAuthError(
            f"Adresse de plateforme agréée non chiffrée refusée ({url.split('?')[0]}) : les identifiants ne "
            "sont envoyés qu'en HTTPS. Corrigez l'adresse dans Paramètres > Facturation électronique."
        )


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _error_of(response: requests.Response) -> tuple[str, str]:
    """(code, message) of an error body: the Flow Service's {errorCode, errorMessage} or the Directory's
    problem+json {type, message, status, details}."""
    payload = _json(response)
    if not isinstance(payload, dict):
        return "", ""
    if payload.get("errorCode"):
        return str(payload["errorCode"]), str(payload.get("errorMessage") or "")
    message = " — ".join(str(payload[k]) for k in ("message", "details") if payload.get(k))
    return "", message
