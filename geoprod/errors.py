"""The 500 page, telling the truth about who was told."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponseServerError:
    # No request context: whatever broke the page may break a context processor too.
    page = loader.get_template("500.html").render({"notified": bool(settings.ADMINS)})
    return HttpResponseServerError(page)
