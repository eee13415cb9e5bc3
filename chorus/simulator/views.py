"""The simulator's views: importing the operation modules registers them in api.ROUTES."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from chorus.simulator import (  # noqa: F401
    views_actions,
    views_files,
    views_invoices,
    views_reference,
    views_structures,
)
from chorus.simulator.api import endpoint, error, journaled
from chorus.simulator.views_auth import token  # noqa: F401


@endpoint
def not_found(request: HttpRequest, path: str = "") -> HttpResponse:
    return journaled("inconnu", request, lambda: error(404, 404, f"Ressource inconnue : {request.path}."))
