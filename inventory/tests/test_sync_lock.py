from __future__ import annotations

import pytest
from django.db import connection

from inventory import actions
from inventory.choices import SyncTrigger
from inventory.models import SyncRun
from tests.concurrency import run_together
from tests.factories import MerchantFactory


@pytest.mark.django_db(transaction=True)
def test_concurrent_full_sync_requests_give_one_run():
    assert connection.vendor == "postgresql", "the lock is proven on PostgreSQL"
    merchant = MerchantFactory()
    results, errors = run_together(8, lambda _: str(actions.start_sync(merchant, SyncTrigger.API).pk))

    assert errors == []
    assert len(set(results)) == 1
    assert SyncRun.objects.filter(merchant=merchant).count() == 1


@pytest.mark.django_db(transaction=True)
def test_syncs_of_chosen_products_do_not_wait_for_the_full_sync_lock():
    merchant = MerchantFactory()
    full = actions.start_sync(merchant, SyncTrigger.MANUAL)

    partial = actions.start_sync(merchant, SyncTrigger.WEBHOOK, product_ids=[])

    assert partial.pk != full.pk
