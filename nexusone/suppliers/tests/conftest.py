from __future__ import annotations

import pytest

from nexusone.suppliers.cj.sandbox.pytest_fixtures import cj_sandbox, cj_sandbox_server  # noqa: F401
from nexusone.suppliers.models import SupplierAccount


class FakeClock:
    """Replaces time.sleep/time.time in the client: sleeping only moves the clock."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def cj_account(merchant) -> SupplierAccount:
    return SupplierAccount.objects.create(merchant=merchant, supplier="cj", api_key="sandbox-key", qps=50)
