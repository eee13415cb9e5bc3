"""A WSGI app that sleeps ?s= seconds before answering: lets the tests see gunicorn's timeout at work."""

from __future__ import annotations

import time
from urllib.parse import parse_qs


def application(environ, start_response):
    time.sleep(float(parse_qs(environ.get("QUERY_STRING", "")).get("s", ["0"])[0]))
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"fini"]
