#!/usr/bin/env bash
# Makes sure PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) answer, starting (and, as root, installing)
# them when they do not. Used by .ci/run and scripts/prod_smoke.sh; does nothing when both already answer.
set -euo pipefail

wait_for() {  # wait_for <description> <command…>: up to 30 s
  local what=$1; shift
  for _ in $(seq 1 150); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "ÉCHEC : $what ne répond pas." >&2
  exit 1
}

install_debian() {  # install_debian <package>
  command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ] \
    || { echo "ÉCHEC : $1 manque ; installez-le avec : sudo apt-get install -y $1" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null
}

redis_answers() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

if ! pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1; then
  echo "Démarrage de PostgreSQL"
  command -v pg_ctlcluster >/dev/null 2>&1 || install_debian postgresql
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start || true
  wait_for "PostgreSQL (127.0.0.1:5432)" pg_isready -h 127.0.0.1 -p 5432
fi

if ! redis_answers; then
  echo "Démarrage de Redis"
  command -v redis-server >/dev/null 2>&1 || install_debian redis-server
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/geoprod.log
  wait_for "Redis (127.0.0.1:6379)" redis_answers
fi
