"""The sandbox mounted in-process under /sandbox/cj/, and served alone by `manage.py cj_sandbox`."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.urls("nexusone.suppliers.tests.mounted_sandbox_urls")
def test_in_process_the_cj_base_path_is_under_sandbox_cj(client):
    response = client.post(
        "/sandbox/cj/api2.0/v1/authentication/getAccessToken",
        data={"apiKey": "sandbox-key"},
        content_type="application/json",
    )
    assert response.json()["code"] == 200
    page = client.get("/sandbox/cj/")
    assert b'href="product/' in page.content
    assert client.get("/sandbox/cj/control/state").json()["products"] >= 200


def test_manage_py_cj_sandbox_serves_the_api_alone(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "cj_sandbox", "--port", str(port), "--products", "210"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        body = None
        for _ in range(100):
            try:
                body = requests.post(
                    f"http://127.0.0.1:{port}/api2.0/v1/authentication/getAccessToken",
                    json={"apiKey": "sandbox-key"},
                    timeout=2,
                ).json()
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        assert body["code"] == 200
        assert requests.get(f"http://127.0.0.1:{port}/control/state", timeout=2).json()["products"] == 210
    finally:
        process.terminate()
        process.wait(timeout=10)
