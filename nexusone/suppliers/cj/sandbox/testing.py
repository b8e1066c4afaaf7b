"""Run the sandbox on a free port for integration tests, browser tests and benchmarks.

with running_sandbox(qps=20) as sandbox:
    sandbox.api_base_url   # point CJ_API_BASE_URL here
    sandbox.control("faults", {"path": "product/query", "kind": "server_error"})
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests

from .server import SandboxServer
from .state import STATE, SandboxState


class RunningSandbox:
    def __init__(self, server: SandboxServer) -> None:
        self.server = server

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def api_base_url(self) -> str:
        return self.server.api_base_url

    @property
    def state(self) -> SandboxState:
        """The live in-memory state (same process): read it, or change it under `state.lock`."""
        return STATE

    def control(self, name: str, body: dict[str, Any] | None = None, *, method: str = "POST") -> dict[str, Any]:
        response = requests.request(method, f"{self.url}/control/{name}", json=body, timeout=10)
        response.raise_for_status()
        return response.json()

    def reset(self) -> None:
        STATE.reset()

    def add_fault(self, path: str, kind: str, **options: Any) -> None:
        self.control("faults", {"path": path, "kind": kind, **options})

    def advance_order(self, order_id: str, to: str | None = None) -> dict[str, Any]:
        return self.control(f"orders/{order_id}/advance", {"to": to} if to else {})


@contextmanager
def running_sandbox(*, qps: float = 0, host: str = "127.0.0.1", port: int = 0) -> Iterator[RunningSandbox]:
    """Start the standalone sandbox in a background thread; reset its state before and after."""
    STATE.reset()
    STATE.qps = qps
    server = SandboxServer(host, port).start()
    try:
        yield RunningSandbox(server)
    finally:
        server.stop()
        STATE.reset()
