"""The PISTE OAuth2 token endpoint (client credentials), chorus-api.md §1, reference §1.2.

It answers in OAuth's own shape ({access_token …} or {error, error_description}), not in Chorus's
codeRetour envelope, as the real gateway does.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from chorus.simulator import state
from chorus.simulator.api import TOKEN_OPERATION, endpoint, journaled, reply, with_faults
from chorus.simulator.models import SimToken

TOKEN_LIFETIME_SECONDS = 3600


def _client_credentials(request: HttpRequest) -> tuple[str, str]:
    """From the form body, or from HTTP Basic (client_secret_basic), which OAuth libraries also use."""
    scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "basic":
        try:
            client_id, _, secret = base64.b64decode(encoded).decode().partition(":")
            return client_id, secret
        except (binascii.Error, UnicodeDecodeError):
            return "", ""
    return request.POST.get("client_id", ""), request.POST.get("client_secret", "")


def _oauth_error(status: int, code: str, description: str) -> HttpResponse:
    return reply({"error": code, "error_description": description}, status=status)


@endpoint
def token(request: HttpRequest) -> HttpResponse:
    return journaled(TOKEN_OPERATION, request, lambda: _token(request))


def _token(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        response = _oauth_error(405, "invalid_request", "Méthode non autorisée ; utiliser POST.")
        response["Allow"] = "POST"
        return response
    return with_faults(TOKEN_OPERATION, request, lambda: _grant(request))


def _grant(request: HttpRequest) -> HttpResponse:
    if request.POST.get("grant_type") != "client_credentials":
        return _oauth_error(400, "unsupported_grant_type", "grant_type=client_credentials attendu.")
    client_id, secret = _client_credentials(request)
    expected = (settings.PISTE_CLIENT_ID, settings.PISTE_CLIENT_SECRET)
    if not client_id or (client_id, secret) != expected:
        return _oauth_error(401, "invalid_client", "Client authentication failed")
    issued = SimToken.objects.create(
        access_token=secrets.token_urlsafe(32),
        client_id=client_id,
        scope=request.POST.get("scope", "openid"),
        expires_at=state.now() + timedelta(seconds=TOKEN_LIFETIME_SECONDS),
    )
    return reply(
        {
            "access_token": issued.access_token,
            "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME_SECONDS,
            # Any scope is accepted (reference §1.2): the one asked for is echoed.
            "scope": issued.scope or "openid",
        }
    )
