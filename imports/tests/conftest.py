from __future__ import annotations

import pytest

from nexusone.suppliers.cj.sandbox.pytest_fixtures import (  # noqa: F401 - fixtures for the sandbox tests
    cj_sandbox,
    cj_sandbox_account,
    cj_sandbox_server,
)


@pytest.fixture(autouse=True)
def _tasks_run_eagerly(eager_celery):
    """Import tasks queued on commit run in-process in these tests."""


@pytest.fixture
def catalog(fake_supplier):
    """Three CJ products in the fake supplier: two UUID PIDs and one digit PID."""
    fake_supplier.add_product("7874B45D-E971-4DC8-8F59-40530B0F6B77", name="Desk Lamp", cost="4.00", variants=2)
    fake_supplier.add_product("2A6E0C4B-91F3-4D7A-8B25-6C1E9F0D3A47", name="Phone Stand", cost="2.50", variants=3)
    fake_supplier.add_product("1424608189734850560", name="Yoga Mat", cost="10.00", variants=1)
    return fake_supplier


LAMP = "7874B45D-E971-4DC8-8F59-40530B0F6B77"
STAND = "2A6E0C4B-91F3-4D7A-8B25-6C1E9F0D3A47"
MAT = "1424608189734850560"
