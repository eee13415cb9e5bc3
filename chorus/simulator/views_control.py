"""Control endpoints under /_chorus-sim/_control/: what tests, benchmarks and the demo drive over HTTP.

They mirror the Python API (faults.py, state.py) for a simulator running in another process. Bodies are
JSON; replies carry codeRetour/libelle like the rest of the simulator. Served by the product (the
demonstration), they change what every cabinet sees: there they answer only a logged-in staff user and
check the CSRF token. The standalone server (`manage.py chorus_simulator`, a test harness on loopback
without sessions) serves them open.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from chorus.simulator import faults, lifecycle, state
from chorus.simulator.api import endpoint, error, reply
from chorus.simulator.models import INVOICE_ID_BASE, SimInvoice

Control = Callable[[dict], dict]
View = Callable[[HttpRequest], HttpResponse]

# name under _control/ -> (HTTP methods, handler); filled by @_control
CONTROLS: dict[str, tuple[tuple[str, ...], Control]] = {}


def _control(name: str, *methods: str) -> Callable[[Control], Control]:
    def register(handler: Control) -> Control:
        CONTROLS[name] = (methods, handler)
        return handler

    return register


def view_for(name: str, *, staff_only: bool) -> View:
    """The HTTP view of control `name`: open (standalone server) or for logged-in staff with CSRF."""
    methods, handler = CONTROLS[name]

    def view(request: HttpRequest) -> HttpResponse:
        if request.method not in methods:
            response = error(405, 405, f"Méthode {request.method} non autorisée.")
            response["Allow"] = ", ".join(methods)
            return response
        state.ensure_seeded()
        try:
            body = json.loads(request.body or b"{}") if request.method == "POST" else {}
            if not isinstance(body, dict):
                raise ValueError("objet JSON attendu")
            result = handler(body)
        except (ValueError, TypeError, KeyError) as e:
            return error(400, 400, f"Requête de contrôle invalide : {e}")
        return reply({"codeRetour": 0, "libelle": "OK", **result})

    return _for_staff(view) if staff_only else endpoint(view)


def _for_staff(view: View) -> View:
    protected = csrf_protect(view)

    # Who calls is checked before the CSRF token, so that every refusal is the simulator's JSON one
    # (an anonymous caller gets neither the login page nor the CSRF error page).
    @login_not_required
    @csrf_exempt
    def guarded(request: HttpRequest) -> HttpResponse:
        if not (request.user.is_authenticated and request.user.is_staff):
            return error(403, 403, "Commandes du simulateur réservées au personnel connecté.")
        return protected(request)

    return guarded


@_control("reset", "POST")
def reset(body: dict) -> dict:
    state.reset(
        faults=bool(body.get("faults", True)),
        stats=bool(body.get("stats", True)),
        clock=bool(body.get("clock", False)),
        data=bool(body.get("data", False)),
    )
    return {"now": state.now().isoformat()}


@_control("faults", "GET", "POST")
def fault_switches(body: dict) -> dict:
    if body:
        spec = dict(body)
        kind = spec.pop("kind")
        operation = spec.pop("operation", "*")
        share = spec.pop("share", None)
        count = spec.pop("count", None)
        created = faults.add(kind, operation=operation, share=share, count=count, **spec)
        return {"id": created.id, "faults": faults.active()}
    return {"faults": faults.active()}


@_control("faults/clear", "POST")
def clear_faults(body: dict) -> dict:
    faults.clear()
    return {"faults": []}


@_control("clock", "GET", "POST")
def clock(body: dict) -> dict:
    if body:
        moved = state.advance_clock(
            days=float(body.get("days", 0)),
            hours=float(body.get("hours", 0)),
            minutes=float(body.get("minutes", 0)),
            seconds=float(body.get("seconds", 0)),
        )
        return {"now": moved.isoformat()}
    return {"now": state.now().isoformat()}


@_control("stats", "GET")
def stats(body: dict) -> dict:
    calls = state.stats()
    return {"calls": calls, "byStatus": state.stats_by_status(), "total": sum(calls.values())}


@_control("seed", "POST")
def seed(body: dict) -> dict:
    state.seed()
    return {}


@_control("status", "POST")
def force_status(body: dict) -> dict:
    pk = int(body["identifiantFactureCPP"]) - INVOICE_ID_BASE
    invoice = SimInvoice.objects.filter(pk=pk).first()
    if invoice is None:
        raise ValueError(f"facture {body['identifiantFactureCPP']} inconnue")
    code = str(body["statut"])
    lifecycle.force_status(invoice, code, str(body.get("commentaire", "")), state.now())
    return {
        "identifiantFactureCPP": invoice.identifiant_cpp,
        "statut": code,
        "at": timezone.now().isoformat(),
    }
