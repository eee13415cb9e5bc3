"""The simulator's HTTP edge: routing table, reply envelope, gateway checks, fault injection, journal.

Every operation is a small function `(Call) -> dict` registered with `@operation(path)`; this module
wraps it in what PISTE and Chorus do around every call (chorus-api.md §1–2): the bearer check (401), the
technical account check (403), JSON parsing, the `codeRetour`/`libelle` envelope, functional refusals as
HTTP 400, 405 on a wrong method, and the fault switches of faults.py.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from chorus.simulator import codes, faults, state
from chorus.simulator.models import SimCall, SimFault, SimTechnicalAccount, SimToken

SUCCESS_LIBELLE = "GCU_MSG_01_000"
TOKEN_OPERATION = "api/oauth/token"
JSON_CONTENT_TYPE = "application/json;charset=utf-8"

AUTH_NONE = "none"
AUTH_BEARER = "bearer"
AUTH_FULL = "full"


class Refusal(Exception):
    """A functional refusal: HTTP 400 (unless told otherwise) with a non-zero codeRetour."""

    def __init__(self, code: int, libelle: str, *, status: int = 400):
        super().__init__(libelle)
        self.code = code
        self.libelle = libelle
        self.status = status


@dataclass
class Call:
    request: HttpRequest
    body: dict
    account: SimTechnicalAccount | None


Handler = Callable[[Call], dict]

# path relative to the API base (without "cpro/") -> (HTTP method, view)
ROUTES: dict[str, tuple[str, Callable[[HttpRequest], HttpResponse]]] = {}


def ok(**data) -> dict:
    return {"codeRetour": 0, "libelle": SUCCESS_LIBELLE, **data}


def reply(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = JSON_CONTENT_TYPE
    return response


def error(status: int, code: int, libelle: str, **extra) -> JsonResponse:
    return reply({"codeRetour": code, "libelle": libelle, **extra}, status=status)


def operation(path: str, *, method: str = "POST", auth: str = AUTH_FULL) -> Callable[[Handler], Handler]:
    """Registers `handler` as the Chorus operation at `cpro/<path>`."""

    def register(handler: Handler) -> Handler:
        def view(request: HttpRequest) -> HttpResponse:
            return _serve(request, path, method, auth, handler)

        ROUTES[path] = (method, endpoint(view))
        return handler

    return register


def endpoint(view: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """An API view: no session login, no CSRF token (callers are programs, not browsers)."""
    return login_not_required(csrf_exempt(view))


def journaled(operation_name: str, request: HttpRequest, serve: Callable[[], HttpResponse]) -> HttpResponse:
    """Counts the call before serving it, so a call whose reply is held back is already counted."""
    state.ensure_seeded()
    call = SimCall.objects.create(operation=operation_name, method=request.method or "")
    response = serve()
    SimCall.objects.filter(pk=call.pk).update(http_status=response.status_code)
    return response


def _serve(request: HttpRequest, name: str, method: str, auth: str, handler: Handler) -> HttpResponse:
    return journaled(name, request, lambda: _serve_journaled(request, name, method, auth, handler))


def _serve_journaled(
    request: HttpRequest, name: str, method: str, auth: str, handler: Handler
) -> HttpResponse:
    if request.method != method:
        response = error(405, 405, f"Méthode {request.method} non autorisée ; utiliser {method}.")
        response["Allow"] = method
        return response
    return with_faults(name, request, lambda: _answer(request, name, method, auth, handler))


def with_faults(operation_name: str, request: HttpRequest, serve: Callable[[], HttpResponse]) -> HttpResponse:
    """Serves one call under the fault switches: added latency, a replaced reply, or a reply held back."""
    decision = faults.decide(operation_name)
    if decision.latency_ms:
        time.sleep(decision.latency_ms / 1000)
    if decision.replace is not None:
        return fault_reply(decision.replace, request)
    response = serve()
    if decision.after is not None:
        time.sleep(float(decision.after.params.get("seconds", faults.DEFAULT_TIMEOUT_SECONDS)))
    return response


def _answer(request: HttpRequest, name: str, method: str, auth: str, handler: Handler) -> HttpResponse:
    try:
        account = _authenticate(request, auth)
        body = _json_body(request) if method == "POST" else {}
        return reply(handler(Call(request=request, body=body, account=account)))
    except Refusal as refusal:
        return error(refusal.status, refusal.code, refusal.libelle)
    except GatewayRefusal as refusal:
        return refusal.response
    except RequestDataTooBig:
        return _too_big(name)


def _too_big(name: str) -> JsonResponse:
    # The gateway stops the body before the operation sees it; the reply follows the operation's rule.
    if name.endswith("ajouter/fichier"):
        return error(400, codes.FICHIER_TROP_VOLUMINEUX, "Fichier trop volumineux (10 Mo au plus).")
    return error(413, 413, "Requête trop volumineuse (10 Mo au plus par fichier).")


def fault_reply(fault: SimFault, request: HttpRequest) -> HttpResponse:
    kind = fault.kind
    if kind == faults.ERROR:
        status = int(fault.params.get("status", 500))
        return error(status, status, "Erreur technique de la plateforme, réessayer plus tard.")
    if kind == faults.RATE_LIMIT:
        retry_after = str(fault.params.get("retry_after", 2))
        response = error(429, 429, "Quota d'appels dépassé.")
        response["Retry-After"] = retry_after
        return response
    if kind == faults.TIMEOUT:
        time.sleep(float(fault.params.get("seconds", faults.DEFAULT_TIMEOUT_SECONDS)))
        return error(504, 504, "Délai de réponse dépassé.")
    if kind == faults.EXPIRED_TOKEN:
        token = _bearer(request)
        if token:
            SimToken.objects.filter(access_token=token).update(revoked=True)
        return _unauthorized("invalid_token", "Jeton expiré.")
    if kind == faults.INVALID_CLIENT:
        return reply({"error": "invalid_client", "error_description": "Client authentication failed"}, 400)
    # MALFORMED_JSON: a well-started reply cut short, as when a proxy drops the end of the body.
    return HttpResponse('{"codeRetour": 0, "libelle": "GCU_MSG_01_00', content_type=JSON_CONTENT_TYPE)


class GatewayRefusal(Exception):
    def __init__(self, response: HttpResponse):
        super().__init__(response.status_code)
        self.response = response


def _unauthorized(code: str, description: str) -> JsonResponse:
    response = error(401, 401, description, error=code, error_description=description)
    response["WWW-Authenticate"] = f'Bearer realm="PISTE", error="{code}"'
    return response


def _bearer(request: HttpRequest) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _authenticate(request: HttpRequest, auth: str) -> SimTechnicalAccount | None:
    if auth == AUTH_NONE:
        return None
    token = _bearer(request)
    if not token:
        raise GatewayRefusal(_unauthorized("invalid_request", "Jeton d'accès absent."))
    found = SimToken.objects.filter(access_token=token, revoked=False).first()
    if found is None:
        raise GatewayRefusal(_unauthorized("invalid_token", "Jeton d'accès inconnu."))
    if found.expires_at <= state.now():
        raise GatewayRefusal(_unauthorized("invalid_token", "Jeton d'accès expiré."))
    if auth == AUTH_BEARER:
        return None
    return _technical_account(request.headers.get("cpro-account", ""))


def _forbidden(libelle: str) -> GatewayRefusal:
    response = error(403, 403, libelle)
    response["WWW-Authenticate"] = (
        'Bearer realm="PISTE", error="Unauthorized", error_description="login or password incorrects"'
    )
    return GatewayRefusal(response)


def _technical_account(header: str) -> SimTechnicalAccount:
    if not header:
        raise _forbidden("En-tête cpro-account absent.")
    try:
        decoded = base64.b64decode(header, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise _forbidden(
            "En-tête cpro-account illisible (base64 de « login:mot de passe » attendu)."
        ) from None
    login, sep, password = decoded.partition(":")
    account = SimTechnicalAccount.objects.filter(login=login).first() if sep else None
    if account is None or account.password != password:
        raise _forbidden("Compte technique inconnu ou mot de passe incorrect.")
    if account.password_expires_on < state.today():
        raise _forbidden(
            f"Le mot de passe du compte technique a expiré le {account.password_expires_on:%d/%m/%Y}."
        )
    return account


def _json_body(request: HttpRequest) -> dict:
    raw = request.body
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise Refusal(codes.REQUETE_INVALIDE, "Corps de requête JSON invalide.") from None
    if not isinstance(body, dict):
        raise Refusal(codes.REQUETE_INVALIDE, "Le corps de la requête doit être un objet JSON.")
    return body
