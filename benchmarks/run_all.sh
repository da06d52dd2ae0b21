#!/usr/bin/env bash
# Every benchmark in one go, as recorded in benchmarks/README.md (about 35 minutes on the
# 2-core machine). Needs PostgreSQL and Redis on 127.0.0.1 and wrk; the load, soak and fault
# runs need the deployed shape (deploy/local.sh start).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export COMPAX_BENCH_REDIS_URL=${COMPAX_BENCH_REDIS_URL:-redis://127.0.0.1:6379/2}
$PY benchmarks/bookings.py --n 500 --seconds 10
$PY benchmarks/search.py --n 300 --seconds 10
$PY benchmarks/series.py --n 60
$PY benchmarks/imports.py --series 3500
$PY benchmarks/reports.py --n 200
deploy/local.sh start
$PY -W ignore benchmarks/load.py --seconds 60 --clients 32 --name load
$PY -W ignore benchmarks/load.py --seconds 600 --clients 16 --name soak
$PY -W ignore benchmarks/load.py --seconds 60 --clients 16 --fault postgres-restart --fault-at 20 --name fault-postgres
$PY -W ignore benchmarks/load.py --seconds 60 --clients 16 --fault redis-stop --fault-at 20 --fault-for 15 --name fault-redis
deploy/local.sh stop
