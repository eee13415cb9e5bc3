#!/bin/sh
# The image's one entrypoint: every Géoprod process starts here, in the container and in
# scripts/prod_smoke.sh alike, so they all start the same way.
#   web           gunicorn, configured by gunicorn.conf.py (GUNICORN_WORKERS, _THREADS, _TIMEOUT…)
#   worker        Celery worker (CELERY_CONCURRENCY, default 2)
#   beat          Celery beat, with the scheduler the settings declare
#   migrate       database migrations, then exits (compose's one-shot « migrate » service)
#   healthcheck   web: GET /sante/ answers 200; healthcheck worker: the local worker answers a ping
#   manage …      any manage.py command (createsuperuser, chorus_refresh…)
# Anything else is run as given (e.g. a shell).
set -eu
cd "$(dirname "$0")/.."

role="${1:-web}"
[ "$#" -gt 0 ] && shift

case "$role" in
  web)
    exec gunicorn --config gunicorn.conf.py "$@"
    ;;
  worker)
    exec celery -A geoprod worker --loglevel "${LOG_LEVEL:-INFO}" \
      --concurrency "${CELERY_CONCURRENCY:-2}" "$@"
    ;;
  beat)
    # The schedule file only serves a file-based scheduler; it goes where the process may write.
    exec celery -A geoprod beat --loglevel "${LOG_LEVEL:-INFO}" \
      --schedule "${CELERY_BEAT_SCHEDULE_FILE:-/tmp/celerybeat-schedule}" "$@"
    ;;
  migrate)
    exec python manage.py migrate --noinput "$@"
    ;;
  healthcheck)
    case "${1:-web}" in
      web) exec python scripts/healthcheck.py ;;
      worker) exec celery -A geoprod inspect ping --timeout 5 --destination "celery@${HOSTNAME:-$(hostname)}" ;;
      *) echo "healthcheck : web ou worker attendu (reçu : $1)." >&2; exit 2 ;;
    esac
    ;;
  manage)
    exec python manage.py "$@"
    ;;
  *)
    exec "$role" "$@"
    ;;
esac
