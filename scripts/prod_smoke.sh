#!/usr/bin/env bash
# The production shape of docker-compose.yml, without Docker, on this machine and on loopback only:
# PostgreSQL, Redis, gunicorn (2 workers), a Celery worker and Celery beat, DEBUG off, each started by
# scripts/entrypoint.sh as in the image. Seeds the demo data,
# then a smoke test goes through gunicorn like a user: login, invoice list, « Chorus Pro : Envoyer » (the
# deposit runs on the Celery worker), loupe, « Soumettre » (on the worker again), status shown.
# Usage: bash scripts/prod_smoke.sh   (PORT=8765, SMOKE_REDIS_DB=13 by default; everything is stopped at the end)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

PORT="${PORT:-8765}"
# A database and a Redis db of the run's own: several runs may share this machine's PostgreSQL and Redis.
DB="geoprod_smoke_${PORT}"
REDIS_DB="${SMOKE_REDIS_DB:-13}"
RUN_DIR="$(mktemp -d /tmp/geoprod-smoke.XXXXXX)"
PIDS=()

stop_all() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
}
trap stop_all EXIT

wait_for() {  # wait_for <description> <seconds> <command…>
  local what=$1 seconds=$2; shift 2
  for _ in $(seq 1 "$((seconds * 5))"); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "ÉCHEC : $what ne répond pas." >&2
  tail -n 40 "$RUN_DIR"/*.log >&2 || true
  exit 1
}

# --- PostgreSQL and Redis (started if needed, as in CI) ---------------------------------------------------
bash scripts/services.sh
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1
psql -h 127.0.0.1 -U postgres -qc "CREATE DATABASE $DB" >/dev/null
redis-cli -h 127.0.0.1 -p 6379 -n "$REDIS_DB" flushdb >/dev/null

# --- The environment docker-compose.yml gives web, worker and beat (HTTP on loopback: no TLS here) -------
export DJANGO_SETTINGS_MODULE=settings DEBUG=false
export SECRET_KEY="smoke-$(head -c 32 /dev/urandom | base64 | tr -d '/+=')-not-for-production"
export FERNET_KEYS="$(.venv/bin/python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
export ALLOWED_HOSTS="127.0.0.1" CSRF_TRUSTED_ORIGINS="http://127.0.0.1:$PORT"
export SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false SECURE_HSTS_SECONDS=0
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB" REDIS_URL="redis://127.0.0.1:6379/$REDIS_DB"
export CHORUS_ENV=simulator GEOPROD_DEMO=true CHORUS_SIMULATOR_URL="http://127.0.0.1:$PORT/_chorus-sim"
export MEDIA_ROOT="$RUN_DIR/media" STATIC_ROOT="$RUN_DIR/static" LOG_LEVEL=WARNING

# --- The processes, started by the image's entrypoint as compose starts them ---------------------------
export PATH="$PWD/.venv/bin:$PATH" GUNICORN_BIND="127.0.0.1:$PORT" GUNICORN_WORKERS=2
export CELERY_BEAT_SCHEDULE_FILE="$RUN_DIR/beat-schedule"
sh scripts/entrypoint.sh migrate -v 0
python manage.py collectstatic --noinput -v 0
python manage.py seed_demo >/dev/null

sh scripts/entrypoint.sh web >"$RUN_DIR/web.log" 2>&1 &
PIDS+=($!)
sh scripts/entrypoint.sh worker >"$RUN_DIR/worker.log" 2>&1 &
PIDS+=($!)
LOG_LEVEL=INFO sh scripts/entrypoint.sh beat >"$RUN_DIR/beat.log" 2>&1 &
PIDS+=($!)
wait_for "gunicorn (127.0.0.1:$PORT/sante/)" 30 sh scripts/entrypoint.sh healthcheck web
wait_for "Celery worker" 30 sh scripts/entrypoint.sh healthcheck worker
wait_for "Celery beat" 30 grep -q "beat: Starting" "$RUN_DIR/beat.log"

# --- The smoke test, through gunicorn -----------------------------------------------------------------
BASE="http://127.0.0.1:$PORT" .venv/bin/python - <<'PY'
import os
import re
import time

import requests

base = os.environ["BASE"]
http = requests.Session()


def csrf() -> dict:
    return {"csrfmiddlewaretoken": http.cookies["csrftoken"]}


def step(what: str, ok: bool, detail: str = "") -> None:
    print(f"  {'ok ' if ok else 'KO '} {what}{' — ' + detail if detail else ''}")
    if not ok:
        raise SystemExit(1)


def wait_page(url: str, pattern: str, seconds: float = 30) -> str:
    deadline = time.monotonic() + seconds
    while True:
        text = http.get(url).text
        if re.search(pattern, text) or time.monotonic() > deadline:
            return text
        time.sleep(0.3)


r = http.get(f"{base}/sante/")
step("/sante/ : base et Redis", r.status_code == 200 and r.json() == {"base": "ok", "redis": "ok"}, r.text)

http.get(f"{base}/connexion/")
r = http.post(f"{base}/connexion/", {**csrf(), "username": "compta", "password": "geoprod"})
step("connexion de « compta »", r.ok and "/connexion/" not in r.url, r.url)

r = http.get(f"{base}/factures/")
rows = re.findall(r'<tr id="facture-(\d+)">(.*?)</tr>', r.text, re.S)
step("liste des factures", r.status_code == 200 and len(rows) > 0, f"{len(rows)} lignes")

candidates = [pk for pk, row in rows if "Mairie de Toulouse" in row and "chorus-logo" not in row]
invoice = next(pk for pk in candidates if "Chorus Pro : Envoyer" in http.get(f"{base}/factures/{pk}/").text)
r = http.post(f"{base}/chorus/factures/{invoice}/envoyer/", csrf())
submission_url = r.url
step("« Chorus Pro : Envoyer »", r.ok and "/chorus/envois/" in submission_url, submission_url)

text = wait_page(submission_url, r'value="\d+" id="piece-jointe"')
number = re.search(r'value="(\d+)" id="piece-jointe"', text)
step("PDF déposé par le worker Celery", number is not None, number and f"pièce jointe {number.group(1)}")

form = dict(re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', text.split('id="chorus-form"')[1].split("</form>")[0]))
form |= {"destinataire_siret": "21310555400017", "type_tva": "TVA_SUR_DEBIT", "mode_paiement": "VIREMENT"}
r = http.post(submission_url.rstrip("/") + "/loupe/", {**form, **csrf()})
step("loupe : Mairie de Toulouse", 'value="Mairie de Toulouse"' in r.text)

r = http.post(submission_url.rstrip("/") + "/soumettre/", {**form, **csrf(), "service_code": "DGST"})
text = wait_page(submission_url, r'value="Déposée" id="chorus-status"')
status = re.search(r'value="([^"]*)" id="chorus-status"', text)
step("« Soumettre » traité par le worker", status is not None and "Déposée" in status.group(1), status and status.group(1))

row = re.search(rf'<tr id="facture-{invoice}">(.*?)</tr>', http.get(f"{base}/factures/").text, re.S)
step("logo Chorus Pro dans la liste", row is not None and 'title="Chorus Pro : Déposée"' in row.group(1))
PY
echo "Smoke test de la forme de production : réussi (gunicorn 2 workers, Celery worker et beat, PostgreSQL, Redis)."
