"""Serves the Chorus Pro simulator alone, on its own port, for tests and benchmarks.

Only the simulator's URLconf is routed (chorus/simulator/standalone_urls.py), at the root and under
/_chorus-sim/. The server is threaded, so a call held back by a latency or timeout switch does not
block the others.
"""

from __future__ import annotations

from wsgiref.simple_server import WSGIRequestHandler

from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.core.management.base import BaseCommand
from django.core.servers.basehttp import ThreadedWSGIServer
from django.urls import set_urlconf

from chorus.simulator import state

URLCONF = "chorus.simulator.standalone_urls"


class SimulatorHandler(WSGIHandler):
    """Django's WSGI handler with the simulator's URLconf and none of the product's middleware.

    The product's middleware (sessions, login, HTTPS redirect) means nothing to an API stand-in, and the
    HTTPS redirect would make a plain-HTTP simulator unreachable when DEBUG is off.
    """

    def load_middleware(self, is_async: bool = False) -> None:
        self._view_middleware = []
        self._template_response_middleware = []
        self._exception_middleware = []
        self._middleware_chain = convert_exception_to_response(self._get_response)

    def get_response(self, request):
        request.urlconf = URLCONF  # Django routes this request with it
        try:
            return super().get_response(request)
        finally:
            set_urlconf(None)  # the thread goes back to the project's URLconf (tests share threads)


class QuietRequestHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args) -> None:
        if self.server.verbose:
            super().log_message(format, *args)


class Command(BaseCommand):
    help = "Lance le simulateur Chorus Pro seul, sur son propre port."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--quiet", action="store_true", help="Ne journalise pas chaque requête.")

    def handle(self, *args, port: int, host: str, quiet: bool = False, **options) -> None:
        state.ensure_seeded()
        server = ThreadedWSGIServer((host, port), QuietRequestHandler)
        server.verbose = not quiet
        server.set_app(SimulatorHandler())
        self.stdout.write(
            f"Simulateur Chorus Pro sur http://{host}:{port}/ "
            f"(jeton : /api/oauth/token, API : /cpro/ ; aussi sous /_chorus-sim/)"
        )
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
