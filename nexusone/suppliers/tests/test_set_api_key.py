"""Setting a merchant's CJ API key: one action for the settings page, create_merchant and the demo."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from nexusone.accounts.actions import create_merchant
from nexusone.suppliers.actions import set_api_key
from nexusone.suppliers.models import SupplierAccount

pytestmark = pytest.mark.django_db


def _logged_in_account(merchant, api_key: str) -> SupplierAccount:
    soon = timezone.now() + timedelta(days=10)
    return SupplierAccount.objects.create(
        merchant=merchant,
        supplier="cj",
        api_key=api_key,
        access_token="old-access",
        refresh_token="old-refresh",
        access_token_expires_at=soon,
        refresh_token_expires_at=soon,
    )


def test_a_new_api_key_forgets_the_tokens_issued_for_the_old_one(merchant):
    _logged_in_account(merchant, "old-key")
    set_api_key(merchant, "new-key")
    account = SupplierAccount.objects.get(merchant=merchant)
    assert account.api_key == "new-key"
    assert (account.access_token, account.refresh_token) == ("", "")
    assert account.access_token_expires_at is None
    assert account.refresh_token_expires_at is None


def test_the_same_api_key_again_keeps_its_tokens(merchant):
    _logged_in_account(merchant, "same-key")
    set_api_key(merchant, "same-key", sandbox_orders=True, qps=4)
    account = SupplierAccount.objects.get(merchant=merchant)
    assert account.access_token == "old-access"
    assert account.refresh_token == "old-refresh"
    assert account.sandbox_orders is True
    assert account.qps == 4


def test_create_merchant_with_another_cj_key_forgets_the_old_tokens():
    setup = create_merchant(name="Shop", email="o@example.com", password="pw-123456789", cj_api_key="first-key")
    SupplierAccount.objects.filter(merchant=setup.merchant).update(access_token="first-token")
    create_merchant(name="Shop", email="o@example.com", password="pw-123456789", cj_api_key="second-key")
    account = SupplierAccount.objects.get(merchant=setup.merchant)
    assert account.api_key == "second-key"
    assert account.access_token == ""


def test_seeding_the_demo_with_a_changed_sandbox_key_forgets_the_old_tokens(settings):
    settings.CJ_SANDBOX_ENABLED = True
    settings.CJ_SANDBOX_API_KEY = "sandbox-key"
    call_command("seed_demo", stdout=io.StringIO())
    SupplierAccount.objects.filter(merchant__name="Demo Store").update(access_token="token-of-the-old-key")
    settings.CJ_SANDBOX_API_KEY = "another-sandbox-key"
    call_command("seed_demo", stdout=io.StringIO())
    account = SupplierAccount.objects.get(merchant__name="Demo Store")
    assert account.api_key == "another-sandbox-key"
    assert account.access_token == ""
    assert account.sandbox_orders is True
    assert account.qps == 10
