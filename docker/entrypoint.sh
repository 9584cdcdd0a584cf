#!/usr/bin/env bash
# Container entrypoint: wait for PostgreSQL, bring every schema to the latest migration, then run the command.
#
#   serve (the image's CMD)  gunicorn config.wsgi, workers/threads from GUNICORN_WORKERS / GUNICORN_THREADS
#   anything else            run as given, e.g. `python manage.py list_tenants`
#
# RUN_MIGRATIONS=0 skips the migrations (one-off commands, or every replica but one when several start at once:
# two processes migrating the same schemas concurrently is not safe). DB_WAIT_SECONDS bounds the wait.
set -euo pipefail

cd /app

# With PROMETHEUS_MULTIPROC_DIR set, django-prometheus writes per-process metric files there as soon as Django
# loads, so the directory must exist before any manage.py command.
if [[ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]]; then
    mkdir -p "${PROMETHEUS_MULTIPROC_DIR}"
fi

wait_for_database() {
    python - <<'PY'
import os
import sys
import time

import django

from config import use_default_settings

use_default_settings()
django.setup()

from django.db import connection

deadline = time.monotonic() + float(os.environ.get("DB_WAIT_SECONDS", "60"))
while True:
    try:
        connection.ensure_connection()
        break
    except Exception as error:  # retried until the deadline, then reported
        if time.monotonic() > deadline:
            sys.exit(f"entrypoint: database not reachable: {type(error).__name__}: {error}")
        print("entrypoint: waiting for the database...", file=sys.stderr)
        time.sleep(2)
PY
}

migrate() {
    # The public schema, then every tenant schema and the template (see docs/scaling.md); a schema that fails
    # is reported and stops the start-up, the others are migrated.
    echo "entrypoint: migrating the public schema and every tenant schema" >&2
    python manage.py deploy_migrations --no-progress
}

wait_for_database
if [[ "${RUN_MIGRATIONS:-1}" == "1" ]]; then
    migrate
fi

if [[ "${1:-serve}" == "serve" ]]; then
    shift || true
    # gunicorn's workers are separate processes: django-prometheus keeps their metrics in files that /metrics
    # sums. Only the server uses the directory (an exec'd manage.py keeps its counters to itself), and it
    # starts empty: files of a previous run would be summed in.
    export PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-/tmp/prometheus-multiproc}"
    rm -rf "${PROMETHEUS_MULTIPROC_DIR:?}"
    mkdir -p "${PROMETHEUS_MULTIPROC_DIR}"
    # Request lines are logged by the app itself (with the request id), so no gunicorn access log.
    # Workers are replaced after a number of requests, with jitter so that they do not all restart at once:
    # whatever a worker accumulates despite the bounded caches (fragmentation, a leak) cannot grow for ever.
    # A leaving worker answers what its kept-alive connections already carry before closing them
    # (config/gunicorn_worker.py): gunicorn's own resets them, and the requests on them are lost.
    set -- gunicorn config.wsgi:application \
        --worker-class config.gunicorn_worker.DrainingThreadWorker \
        --bind "0.0.0.0:${PORT:-8000}" \
        --workers "${GUNICORN_WORKERS:-2}" \
        --threads "${GUNICORN_THREADS:-4}" \
        --timeout "${GUNICORN_TIMEOUT:-60}" \
        --graceful-timeout 30 \
        --max-requests "${GUNICORN_MAX_REQUESTS:-10000}" \
        --max-requests-jitter "${GUNICORN_MAX_REQUESTS_JITTER:-1000}" \
        --worker-tmp-dir /dev/shm \
        "$@"
fi

exec "$@"
