"""/sante/: do the database and Redis answer? For the compose healthchecks and the operator's probes.

No login, nothing secret in the answer (no URL, no error text): only "ok", "indisponible" or, for Redis in
the embedded mode that has none, "non configuré". 200 when everything configured answers, 503 otherwise.
"""

from __future__ import annotations

import logging

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

OK, DOWN, NOT_CONFIGURED = "ok", "indisponible", "non configuré"
# A probe answers within the healthcheck's own timeout even when Redis hangs.
REDIS_TIMEOUT_SECONDS = 2.0


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as e:
        logger.warning("Santé : la base de données ne répond pas (%s).", type(e).__name__)
        return DOWN
    return OK


def redis_status() -> str:
    if not settings.REDIS_URL:
        return NOT_CONFIGURED
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_timeout=REDIS_TIMEOUT_SECONDS, socket_connect_timeout=REDIS_TIMEOUT_SECONDS
    )
    try:
        client.ping()
    except (redis.RedisError, OSError) as e:
        logger.warning(
            "Santé : Redis ne répond pas (%s).", type(e).__name__
        )  # never the URL: it holds the password
        return DOWN
    finally:
        client.close()
    return OK


@login_not_required
@never_cache
@require_safe
def sante(request):
    checks = {"base": database_status(), "redis": redis_status()}
    healthy = DOWN not in checks.values()
    return JsonResponse(checks, status=200 if healthy else 503, json_dumps_params={"ensure_ascii": False})
