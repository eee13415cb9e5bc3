"""Response headers every page carries: browser features off, nothing private kept in a cache."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

# Documents that hold a cabinet's invoices: never stored by a browser or a proxy, whoever asked.
PRIVATE_CONTENT_TYPES = ("application/pdf", "application/xml", "text/xml")


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; `Cache-Control: no-store` on whatever a logged-in user gets and
    on every PDF/XML download (the back button or a shared computer must not show them after logout)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
        if (user is not None and user.is_authenticated) or content_type in PRIVATE_CONTENT_TYPES:
            patch_cache_control(response, no_store=True, private=True)
        return response
