"""Container healthcheck of the web service: GET /sante/ on the local gunicorn answers 200.

Plain Python, no Django: it runs every few seconds. It asks as the TLS proxy would (an allowed host,
X-Forwarded-Proto https) so that ALLOWED_HOSTS and the HTTPS redirect let it through.
Exit status 0 when healthy, 1 otherwise (what Docker's HEALTHCHECK expects).
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def main() -> int:
    bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
    port = bind.rsplit(":", 1)[-1]
    url = os.environ.get("HEALTHCHECK_URL", f"http://127.0.0.1:{port}/sante/")
    host = (os.environ.get("ALLOWED_HOSTS", "").split(",")[0].strip().lstrip(".")) or "localhost"
    if host == "*":
        host = "localhost"
    request = urllib.request.Request(url, headers={"Host": host, "X-Forwarded-Proto": "https"})
    try:
        with urllib.request.urlopen(request, timeout=float(os.environ.get("HEALTHCHECK_TIMEOUT", "5"))) as r:
            body = r.read(500).decode("utf-8", "replace")
            print(r.status, body)
            return 0 if r.status == 200 else 1
    except urllib.error.HTTPError as e:
        print(e.code, e.read(500).decode("utf-8", "replace"))
    except OSError as e:
        print(f"/sante/ ne répond pas : {e}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
