"""The journal of actions on documents (« Historique »): who did what, when.

Services record; they never read the request. Who acts is set once per request by ActorMiddleware (and by
`acting_as` in commands and tasks that know it); a line written with nobody set says « système »."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_actor: ContextVar = ContextVar("geoprod_actor", default=None)


@contextmanager
def acting_as(user) -> Iterator[None]:
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor():
    """The acting user, or None (nobody, or an anonymous request); request.user is only read here, lazily."""
    user = _actor.get()
    return user if user is not None and user.is_authenticated else None


class ActorMiddleware:
    """Makes the logged-in user the actor of every journal line written during the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with acting_as(getattr(request, "user", None)):
            return self.get_response(request)


def record(*, action: str, invoice=None, quote=None, detail: str = ""):
    """Appends one line to the journal of `invoice` (or `quote`)."""
    from invoices.models import DocumentEvent

    document = invoice if invoice is not None else quote
    user = current_actor()
    name = (user.get_full_name() or user.get_username()) if user is not None else "système"
    return DocumentEvent.objects.create(
        cabinet_id=document.cabinet_id,
        invoice=invoice,
        quote=quote,
        action=action,
        detail=detail[:255],
        actor=user,
        actor_name=name[:150],
    )
