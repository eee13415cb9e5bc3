"""Access helpers: which cabinet a request acts for, role checks, tenant-scoped lookups.

Every view starts with one of these, so that another cabinet's ids give 404 and a comptable
gets 403 on admin pages.
"""

from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.shortcuts import get_object_or_404

from geoprod.models import Cabinet, Membership

if TYPE_CHECKING:
    from django.http import HttpRequest

M = TypeVar("M", bound=Model)


def membership(request: HttpRequest) -> Membership:
    """The user's membership; a logged-in user without a cabinet may not use the back-office."""
    cached = getattr(request, "_membership", None)
    if cached is not None:
        return cached
    found = Membership.objects.select_related("cabinet").filter(user_id=request.user.pk).first()
    if found is None:
        raise PermissionDenied("Votre compte n'est rattaché à aucun cabinet.")
    request._membership = found
    return found


def current_cabinet(request: HttpRequest) -> Cabinet:
    return membership(request).cabinet


def get_for_cabinet(
    queryset: QuerySet[M] | type[M], cabinet: Cabinet, *, via: str = "cabinet", **lookup
) -> M:
    """get_object_or_404 restricted to one cabinet's rows: other cabinets' ids are simply not found.

    `via` is the path to the cabinet for rows that reach it through a parent (e.g. "client__cabinet").
    """
    qs = queryset._default_manager.all() if isinstance(queryset, type) else queryset
    return get_object_or_404(qs, **{via: cabinet}, **lookup)


def admin_required(view):
    """Cabinet admins only (Paramètres, Chorus settings); comptables get the French 403 page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not membership(request).is_admin:
            raise PermissionDenied("Cette page est réservée aux administrateurs du cabinet.")
        return view(request, *args, **kwargs)

    return wrapper


def cabinet_context(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    try:
        m = membership(request)
    except PermissionDenied:
        return {"membership": None, "cabinet": None}
    return {"membership": m, "cabinet": m.cabinet}
