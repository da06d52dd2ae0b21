#!/usr/bin/env bash
# The production shape on one machine: PostgreSQL and Redis (as installed here), two Compax
# instances with two workers each on loopback ports, nginx in front with TLS.
#
#   deploy/local.sh start     # prints the URL and the admin login
#   deploy/local.sh status
#   deploy/local.sh stop      # stops what start started, by PID
#
# Settings: COMPAX_DEPLOY_DIR (default deploy/run), DB name compax_local on
# postgres://postgres@127.0.0.1:5432, Redis db 1 on 127.0.0.1:6379, ports 8101/8102 for the
# instances and 8080 (HTTP, redirects) / 8443 (HTTPS) for nginx.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUN_DIR=${COMPAX_DEPLOY_DIR:-$ROOT/deploy/run}
PG=${COMPAX_DEPLOY_PG:-postgres://postgres@127.0.0.1:5432}
DB_NAME=${COMPAX_DEPLOY_DB:-compax_local}
REDIS=${COMPAX_DEPLOY_REDIS:-redis://127.0.0.1:6379/1}
PORT_A=${PORT_A:-8101}
PORT_B=${PORT_B:-8102}
HTTP_PORT=${HTTP_PORT:-8080}
HTTPS_PORT=${HTTPS_PORT:-8443}
COMPAX=${COMPAX:-$ROOT/.venv/bin/compax}
ADMIN_EMAIL=${COMPAX_BOOTSTRAP_ADMIN_EMAIL:-admin@campus.example}
ADMIN_PASSWORD=${COMPAX_BOOTSTRAP_ADMIN_PASSWORD:-change-me-please}

say() { printf '%s\n' "$*" >&2; }

services() {
  if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
    say "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  fi
  if [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" != "PONG" ]; then
    say "starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no
  fi
}

environment() {
  export COMPAX_ENV=production
  export COMPAX_DATABASE_URL="$PG/$DB_NAME"
  export COMPAX_CACHE_URL="$REDIS"
  export COMPAX_SECRET_KEY
  COMPAX_SECRET_KEY=$(cat "$RUN_DIR/secret")
  export COMPAX_TRUSTED_PROXIES=127.0.0.1
  export COMPAX_LOG_FORMAT=json
  export COMPAX_REQUEST_MAX_SIZE=8388608
  export COMPAX_MIGRATE_ON_START=false
  export COMPAX_BOOTSTRAP_ADMIN_EMAIL="$ADMIN_EMAIL"
  export COMPAX_BOOTSTRAP_ADMIN_PASSWORD="$ADMIN_PASSWORD"
}

start() {
  mkdir -p "$RUN_DIR"
  services
  [ -f "$RUN_DIR/secret" ] || (umask 077; python3 -c 'import secrets; print(secrets.token_urlsafe(48))' > "$RUN_DIR/secret")
  if ! psql "$PG/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'" | grep -q 1; then
    psql "$PG/postgres" -qc "CREATE DATABASE \"$DB_NAME\""
  fi
  environment
  "$COMPAX" db upgrade
  for port in "$PORT_A" "$PORT_B"; do
    nohup "$COMPAX" serve --host 127.0.0.1 --port "$port" --workers 2 > "$RUN_DIR/compax-$port.log" 2>&1 &
    echo $! > "$RUN_DIR/compax-$port.pid"
  done
  if [ ! -f "$RUN_DIR/tls.crt" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=localhost" \
      -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
      -keyout "$RUN_DIR/tls.key" -out "$RUN_DIR/tls.crt" 2>/dev/null
  fi
  export RUN_DIR PORT_A PORT_B HTTP_PORT HTTPS_PORT
  envsubst '${RUN_DIR} ${PORT_A} ${PORT_B} ${HTTP_PORT} ${HTTPS_PORT}' \
    < deploy/nginx.conf.template > "$RUN_DIR/nginx.conf"
  for port in "$PORT_A" "$PORT_B"; do
    for _ in $(seq 1 60); do
      curl -sf "http://127.0.0.1:$port/readyz" > /dev/null && break
      sleep 0.5
    done
    curl -sf "http://127.0.0.1:$port/readyz" > /dev/null || { say "instance on $port is not ready; see $RUN_DIR/compax-$port.log"; exit 1; }
  done
  nginx -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf"
  say "Compax: https://127.0.0.1:$HTTPS_PORT/docs (self-signed certificate; curl -k)"
  say "admin: $ADMIN_EMAIL / $ADMIN_PASSWORD"
}

stop() {
  if [ -f "$RUN_DIR/nginx.pid" ]; then
    kill "$(cat "$RUN_DIR/nginx.pid")" 2>/dev/null || true
    rm -f "$RUN_DIR/nginx.pid"
  fi
  for port in "$PORT_A" "$PORT_B"; do
    pidfile="$RUN_DIR/compax-$port.pid"
    if [ -f "$pidfile" ]; then
      pid=$(cat "$pidfile")
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -KILL "$pid" 2>/dev/null || true
      rm -f "$pidfile"
    fi
  done
  say "stopped"
}

status() {
  for port in "$PORT_A" "$PORT_B"; do
    printf 'instance %s: ' "$port"; curl -s "http://127.0.0.1:$port/readyz" || printf 'down'; echo
  done
  printf 'nginx: '; curl -sk "https://127.0.0.1:$HTTPS_PORT/healthz" || printf 'down'; echo
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
