from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from extension_auth import actions
from nexusone.accounts.choices import Plan
from nexusone.suppliers.cj.sandbox.pytest_fixtures import (  # noqa: F401 - fixtures for the browser tests
    cj_sandbox,
    cj_sandbox_account,
    cj_sandbox_server,
)


@pytest.fixture
def premium(merchant):
    merchant.plan = Plan.PREMIUM
    merchant.save()
    return merchant


def extension_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_USER_AGENT="Chrome/131 NexusOne-Extension")
    return client


@pytest.fixture
def session_and_token(premium, owner):
    return actions.create_session(owner, premium, name="Laptop")


@pytest.fixture
def ext(session_and_token) -> APIClient:
    """An API client authenticated with an extension token (import + products:read) of the owner."""
    return extension_client(session_and_token[1])
