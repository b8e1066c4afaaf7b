"""Shared fixtures: merchants, users with roles, logged-in clients, API clients."""

from __future__ import annotations

import os

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from nexusone.accounts.choices import Plan, Role
from tests.factories import MembershipFactory, MerchantFactory, UserFactory

PASSWORD = "pass-12345"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings) -> None:
    """The test database is created and migrated as the owner (DATABASE_OWNER_URL) when there is one."""
    from django.db import connections

    from nexusone.core.db import roles

    if roles.owner_credentials() and connections["default"].vendor == "postgresql":
        _APP_CREDENTIALS.update(roles.become_owner())


_APP_CREDENTIALS: dict = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """... then the tests run as the application role (row-level security applies), with its grants."""
    from django.db import connections

    from nexusone.core.db import roles

    if not _APP_CREDENTIALS:
        yield
        return
    with django_db_blocker.unblock():
        roles.become_app(_APP_CREDENTIALS)
        roles.setup_roles(create=True)
        roles.grant_truncate_for_tests()
    yield
    with django_db_blocker.unblock():
        roles.become_owner()  # pytest-django drops the test database as the owner
        connections["default"].close()


@pytest.fixture(autouse=True)
def _tenant_bypass_in_test_bodies():
    """Fixtures and test bodies set up several merchants' data: they run in bypass. Requests, tasks and
    commands enter their own context, so they meet row-level security for real."""
    from nexusone.core import tenancy

    with tenancy.bypass("test body"):
        yield


@pytest.fixture(autouse=True, scope="session")
def _ci_requires_postgresql(django_db_setup, django_db_blocker) -> None:
    """On CI an unreachable PostgreSQL is an error, never a silent SQLite run."""
    from django.db import connection

    if os.environ.get("CI") == "true" and connection.vendor != "postgresql":
        pytest.exit(f"CI=true but the database is {connection.vendor}; set DATABASE_URL to PostgreSQL.", 2)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items) -> None:
    """Browser tests run last: once one ran, pytest-playwright keeps an event loop running in the
    main thread, and a later test calling asyncio.run() would fail."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    from nexusone.core import ratelimits

    cache.clear()
    ratelimits.storage().reset()  # rate-limit counts start afresh in each test


@pytest.fixture
def merchant(db):
    return MerchantFactory(name="Acme Goods", plan=Plan.PRO)


@pytest.fixture
def other_merchant(db):
    return MerchantFactory(name="Other Store", plan=Plan.PRO)


def _member(merchant, role):
    return MembershipFactory(merchant=merchant, role=role, user=UserFactory()).user


@pytest.fixture
def owner(merchant):
    return _member(merchant, Role.OWNER)


@pytest.fixture
def manager(merchant):
    return _member(merchant, Role.MANAGER)


@pytest.fixture
def viewer(merchant):
    return _member(merchant, Role.VIEWER)


@pytest.fixture
def other_owner(other_merchant):
    return _member(other_merchant, Role.OWNER)


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


@pytest.fixture
def viewer_client(client, viewer):
    client.force_login(viewer)
    return client


def jwt_client(user) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return api


@pytest.fixture
def api(owner) -> APIClient:
    """An API client authenticated as the merchant's owner with a JWT."""
    return jwt_client(owner)


@pytest.fixture
def viewer_api(viewer) -> APIClient:
    return jwt_client(viewer)


@pytest.fixture
def other_api(other_owner) -> APIClient:
    return jwt_client(other_owner)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Playwright drives Debian's Chromium; no downloaded browser."""
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def eager_celery():
    """Celery tasks run in-process when queued (on-commit sends included), as a worker would run them."""
    from nexusone.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = previous


@pytest.fixture
def cj_account(merchant):
    """The merchant's CJ connection, with the key the CJ sandbox accepts and CJ's signing id (openId)."""
    from tests.factories import SupplierAccountFactory

    return SupplierAccountFactory(merchant=merchant)


@pytest.fixture
def fake_supplier():
    """Route every supplier lookup to an in-memory FakeSupplier for the test."""
    from nexusone.suppliers import registry
    from tests.fakes import FakeSupplier

    fake = FakeSupplier()
    registry.register("cj", lambda account: fake)
    yield fake
    registry.unregister("cj")
