#!/usr/bin/env bash
# Sets everything up and runs the whole test suite. Uses PostgreSQL / Redis when DATABASE_URL /
# REDIS_URL are set (CI), SQLite and in-process tasks otherwise. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
EXTRA_DEBIAN_PACKAGES="chromium poppler-utils" bash scripts/setup.sh  # Chromium drives tests/e2e; pdftotext reads issued PDFs

.venv/bin/ruff check .
.venv/bin/python manage.py makemigrations --check --dry-run --settings=settings.test >/dev/null \
  || { echo "Des migrations manquent : lancez manage.py makemigrations." >&2; exit 1; }
exec .venv/bin/pytest "$@"
