#!/usr/bin/env bash
# The production web server (`make serve`): gunicorn with uvicorn workers, settings in nexusone/gunicorn_conf.py.
# Uses the environment as it stands (DATABASE_URL, REDIS_URL, SECRET_KEY...); migrates and seeds nothing.
# Extra gunicorn options pass through: scripts/serve.sh --pid /run/nexusone.pid
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${VENV:-.venv}/bin/gunicorn" nexusone.asgi:application --config python:nexusone.gunicorn_conf "$@"
