"""Production web server settings (`make serve`): gunicorn managing uvicorn workers.

Django runs the sync views of an ASGI app one at a time per process, so throughput comes from
processes: one worker per CPU by default (WEB_CONCURRENCY). Gunicorn restarts a worker that dies,
`kill -HUP <master pid>` replaces every worker gracefully (new code, same socket), and SIGTERM
lets requests in flight finish for up to GRACEFUL_TIMEOUT seconds. Each worker imports the app
itself (no preload): connection pools and their threads are never shared across a fork.
"""

import os
from pathlib import Path

import environ

# The same .env as settings.py (the environment wins), so NEXUSONE_HOST/PORT, WEB_CONCURRENCY and
# FORWARDED_ALLOW_IPS set there take effect here too.
environ.Env.read_env(Path(__file__).resolve().parent.parent / ".env", overwrite=False)

bind = f"{os.environ.get('NEXUSONE_HOST', '127.0.0.1')}:{os.environ.get('NEXUSONE_PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or os.cpu_count() or 1)
worker_class = "uvicorn_worker.UvicornWorker"
graceful_timeout = int(os.environ.get("GRACEFUL_TIMEOUT", "30"))
timeout = int(os.environ.get("WORKER_TIMEOUT", "60"))  # a worker silent this long is restarted
keepalive = 5
backlog = 2048
# A worker leaves after this many requests (plus jitter, so they don't all leave at once); 0 never.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
# Behind a proxy on the same host: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Gunicorn's control socket defaults to one path per user: a second server on the host (a benchmark,
# a test) would take it over. Signals do the same job (HUP: graceful reload, TTIN/TTOU: ±1 worker).
control_socket_disable = True


def post_worker_init(worker: object) -> None:
    """The worker has imported the app: settle it before it serves (nexusone.core.runtime)."""
    from nexusone.core.runtime import settle_worker

    settle_worker()
