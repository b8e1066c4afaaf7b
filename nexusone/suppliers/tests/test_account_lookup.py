"""One lookup of a merchant's supplier connection, with the platform's CJ_API_KEY as a default."""

import pytest

from nexusone.suppliers.actions import get_supplier_account
from nexusone.suppliers.models import SupplierAccount

pytestmark = pytest.mark.django_db


def test_without_a_connection_or_platform_key_there_is_no_account(merchant, settings):
    settings.CJ_API_KEY = ""
    assert get_supplier_account(merchant) is None
    assert not SupplierAccount.objects.exists()


def test_the_platform_key_gives_a_merchant_without_a_key_a_connection_on_first_use(merchant, settings):
    settings.CJ_API_KEY = "CJ1@api@platform"
    account = get_supplier_account(merchant)
    assert account is not None
    assert account.api_key == ""  # the platform key is used at call time, never copied into the row
    assert get_supplier_account(merchant).pk == account.pk


def test_the_merchants_own_connection_is_returned_with_related_rows(merchant, other_merchant, settings):
    settings.CJ_API_KEY = ""
    own = SupplierAccount.objects.create(merchant=merchant, supplier="cj", api_key="mine")
    SupplierAccount.objects.create(merchant=other_merchant, supplier="cj", api_key="theirs")
    found = get_supplier_account(merchant, related=("merchant",))
    assert found.pk == own.pk
    assert found.merchant.name == merchant.name


def test_a_sync_runs_on_the_platform_key_for_a_merchant_without_its_own(merchant, settings, fake_supplier):
    from inventory import actions as inventory
    from inventory.choices import SyncTrigger

    settings.CJ_API_KEY = "CJ1@api@platform"
    run = inventory.execute_sync(inventory.start_sync(merchant, SyncTrigger.MANUAL))
    assert run.status == "succeeded", run.errors
