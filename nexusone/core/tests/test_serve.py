"""`make serve`: the production command starts, answers /health/ready, logs access and stops cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from nexusone.core.tasks import BEAT_HEARTBEAT_KEY, heartbeat

SERVE = Path(settings.BASE_DIR) / "scripts" / "serve.sh"
START_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _production_environment(port: int) -> dict[str, str]:
    """The test's database and Redis, production switches (no test mode, no DEBUG), one worker."""
    database = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if k not in {"NEXUSONE_TESTING", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(
        DATABASE_URL=f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        NEXUSONE_PORT=str(port),
        WEB_CONCURRENCY="1",
        DEBUG="false",
        SECRET_KEY=settings.SECRET_KEY,
        FIELD_ENCRYPTION_KEYS=",".join(settings.FIELD_ENCRYPTION_KEYS),
        SECURE_SSL_REDIRECT="false",
    )
    return env


def _wait_until_answering(url: str, server: subprocess.Popen) -> requests.Response:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline and server.poll() is None:
        try:
            return requests.get(url, timeout=5)
        except requests.ConnectionError:
            time.sleep(0.2)
    raise AssertionError(f"the server did not answer {url} within {START_SECONDS} s")


@pytest.mark.django_db
def test_the_production_server_starts_answers_ready_and_stops_gracefully():
    cache.set(BEAT_HEARTBEAT_KEY, timezone.now().timestamp())  # worker and beat run elsewhere
    heartbeat()
    port = _free_port()
    server = subprocess.Popen(
        [str(SERVE)], env=_production_environment(port), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        response = _wait_until_answering(f"http://127.0.0.1:{port}/health/ready", server)
    finally:
        server.send_signal(signal.SIGTERM)
        output, _ = server.communicate(timeout=START_SECONDS)

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "ready"
    assert server.returncode == 0, output
    assert "uvicorn_worker.UvicornWorker" in output
    assert '"GET /health/ready HTTP/1.1" 200' in output  # the access log
