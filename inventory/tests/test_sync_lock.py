from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from inventory import actions
from inventory.choices import SyncTrigger
from inventory.models import SyncRun
from tests.factories import MerchantFactory


@pytest.mark.django_db(transaction=True)
def test_concurrent_full_sync_requests_give_one_run():
    assert connection.vendor == "postgresql", "the lock is proven on PostgreSQL"
    merchant = MerchantFactory()
    threads_count = 8
    barrier = threading.Barrier(threads_count)
    results: list[str] = []
    errors: list[BaseException] = []

    def request_sync() -> None:
        try:
            barrier.wait()
            run = actions.start_sync(merchant, SyncTrigger.API)
            results.append(str(run.pk))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request_sync) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(set(results)) == 1
    assert SyncRun.objects.filter(merchant=merchant).count() == 1


@pytest.mark.django_db(transaction=True)
def test_syncs_of_chosen_products_do_not_wait_for_the_full_sync_lock():
    merchant = MerchantFactory()
    full = actions.start_sync(merchant, SyncTrigger.MANUAL)

    partial = actions.start_sync(merchant, SyncTrigger.WEBHOOK, product_ids=[])

    assert partial.pk != full.pk
