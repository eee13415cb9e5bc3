"""Redis down is a degraded mode, not a 500: a page that needs the task queue answers a French 503; reading
pages, which never touch Redis, keep working."""

from __future__ import annotations

import logging

import redis.exceptions
from django.shortcuts import render
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

# What publishing a task (kombu) or talking to Redis directly raises when Redis cannot be reached.
QUEUE_DOWN = (OperationalError, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
MESSAGE = "Service momentanément indisponible, réessayez dans quelques minutes."


class QueueDownMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, QUEUE_DOWN):
            return None
        logger.error("File de tâches (Redis) injoignable : %s sur %s", type(exception).__name__, request.path)
        response = render(request, "geoprod/service_unavailable.html", {"message": MESSAGE}, status=503)
        response["Retry-After"] = "120"
        return response
