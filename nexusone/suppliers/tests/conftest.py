from __future__ import annotations

import pytest

from nexusone.suppliers.cj.sandbox.pytest_fixtures import (  # noqa: F401
    cj_sandbox,
    cj_sandbox_account,
    cj_sandbox_server,
)
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
def cj_settings(settings):
    from .cj_payloads import BASE

    settings.CJ_API_BASE_URL = BASE
    settings.CJ_QPS = 0
    return settings


@pytest.fixture
def connected_account(merchant, cj_settings) -> SupplierAccount:
    """An account holding a valid token pair, so unit tests see only the call under test."""
    from datetime import timedelta

    from django.utils import timezone

    return SupplierAccount.objects.create(
        merchant=merchant,
        supplier="cj",
        api_key="CJ1234567@api@0123456789abcdef0123456789abcdef",
        access_token="live-access-token-0001",
        refresh_token="live-refresh-token-0001",
        access_token_expires_at=timezone.now() + timedelta(days=10),
        refresh_token_expires_at=timezone.now() + timedelta(days=100),
        open_id="284517903",
        connected_at=timezone.now(),
        qps=1000,
    )


@pytest.fixture
def make_client(fake_clock):
    from nexusone.suppliers.cj.client import CJSupplier

    def make(account: SupplierAccount, **kwargs) -> CJSupplier:
        return CJSupplier(account, sleep=fake_clock.sleep, clock=fake_clock.time, **kwargs)

    return make
