"""Pytest fixtures for tests against the CJ sandbox over real HTTP.

Import them into a conftest:
`from nexusone.suppliers.cj.sandbox.pytest_fixtures import cj_sandbox, cj_sandbox_account, cj_sandbox_server`.
`cj_sandbox` points `CJ_API_BASE_URL` at a sandbox on a free port (one server per session, state reset per test)
and yields a `RunningSandbox`; `cj_sandbox_account` is the `merchant` fixture's CJ account, keyed for it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .server import SandboxServer
from .state import STATE
from .testing import RunningSandbox


@pytest.fixture(scope="session")
def cj_sandbox_server() -> Iterator[SandboxServer]:
    server = SandboxServer().start()
    yield server
    server.stop()


@pytest.fixture
def cj_sandbox(cj_sandbox_server: SandboxServer, settings) -> Iterator[RunningSandbox]:
    STATE.reset()
    settings.CJ_API_BASE_URL = cj_sandbox_server.api_base_url
    settings.CJ_SANDBOX_API_KEY = "sandbox-key"
    yield RunningSandbox(cj_sandbox_server)
    STATE.reset()


@pytest.fixture
def cj_sandbox_account(cj_sandbox: RunningSandbox, merchant):
    """The merchant's CJ account with the sandbox key (it logs in on first use), placing sandbox orders."""
    from nexusone.suppliers.actions import set_api_key

    return set_api_key(merchant, "sandbox-key", sandbox_orders=True, qps=50)
