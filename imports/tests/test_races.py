"""Concurrency claims, with real threads on PostgreSQL."""

import contextvars
import threading

import pytest
from django.db import connection

from imports import actions
from imports.choices import ItemStatus
from imports.models import ImportItem
from inventory.models import Product
from nexusone.accounts.choices import Plan
from nexusone.suppliers.models import SupplierAccount
from tests.factories import MerchantFactory, ProductFactory

pytestmark = pytest.mark.django_db(transaction=True)


def in_threads(*targets):
    errors = []

    def wrap(target):
        def run():
            try:
                target()
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
            finally:
                connection.close()

        return run

    # each thread starts in a copy of the test's context (its tenant bypass), as tests.concurrency does
    threads = [threading.Thread(target=contextvars.copy_context().run, args=(wrap(t),)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors


@pytest.fixture
def store(db):
    merchant = MerchantFactory(plan=Plan.FREE)
    SupplierAccount.objects.create(merchant=merchant, supplier="cj", api_key="k")
    return merchant


def test_two_concurrent_imports_of_one_pid_give_one_product(store, fake_supplier, monkeypatch):
    pid = "1424608189734850560"
    fake_supplier.add_product(pid)
    both_fetched = threading.Barrier(2, timeout=10)
    original = fake_supplier.get_product

    def get_product_then_wait(product_id):
        product = original(product_id)
        both_fetched.wait()  # both jobs hold the product before either writes
        return product

    monkeypatch.setattr(fake_supplier, "get_product", get_product_then_wait)
    jobs = []

    def import_once():
        job = actions.start_import(store, source="ids", inputs=[pid])
        jobs.append(actions.run_import_job(job.pk))

    in_threads(import_once, import_once)
    assert Product.objects.filter(merchant=store, external_id=pid).count() == 1
    outcomes = sorted(ImportItem.objects.filter(pid=pid).values_list("status", flat=True))
    assert outcomes == [ItemStatus.DUPLICATE, ItemStatus.IMPORTED]
    assert len({item.product_id for item in ImportItem.objects.filter(pid=pid)}) == 1


def test_concurrent_jobs_never_pass_the_free_plan_limit(store, fake_supplier):
    ProductFactory.create_batch(7, merchant=store)
    first = [f"14246081897348{n:05d}" for n in range(3)]
    second = [f"14246081897349{n:05d}" for n in range(3)]
    for pid in first + second:
        fake_supplier.add_product(pid, variants=1)
    start = threading.Barrier(2, timeout=10)

    def importer(pids):
        def run():
            start.wait()
            job = actions.start_import(store, source="ids", inputs=pids)
            actions.run_import_job(job.pk)

        return run

    in_threads(importer(first), importer(second))
    assert Product.objects.filter(merchant=store).count() == 10
    assert ImportItem.objects.filter(merchant=store, status=ItemStatus.IMPORTED).count() == 3
    assert ImportItem.objects.filter(merchant=store, status=ItemStatus.PLAN_LIMIT).count() == 3


def test_concurrent_batches_recheck_the_limit_under_the_lock(store, fake_supplier, monkeypatch):
    """Even if products appear between the decision and the write, the write never passes the limit."""
    ProductFactory.create_batch(7, merchant=store)
    pids = [f"14246081897348{n:05d}" for n in range(3)]
    for pid in pids:
        fake_supplier.add_product(pid, variants=1)
    monkeypatch.setattr("imports.tasks.run_import_job_task.delay", lambda job_id: None)
    job = actions.start_import(store, source="ids", inputs=pids)
    ProductFactory.create_batch(2, merchant=store)  # created elsewhere after the quota was reserved
    actions.run_import_job(job.pk)
    assert Product.objects.filter(merchant=store).count() == 10
    assert ImportItem.objects.filter(job=job, status=ItemStatus.PLAN_LIMIT).count() == 2


def test_two_runners_of_one_job_write_each_item_once(store, fake_supplier, monkeypatch):
    """A redelivered task running alongside the first never double-counts or re-marks items."""
    pids = [f"14246081897348{n:05d}" for n in range(3)]
    for pid in pids:
        fake_supplier.add_product(pid, variants=1)
    job = actions.start_import(store, source="ids", inputs=pids, dispatch=False)
    both_fetched = threading.Barrier(2, timeout=10)
    original = fake_supplier.get_product
    runner = threading.local()

    def get_product(pid):
        product = original(pid)
        if not getattr(runner, "met", False):  # both runners are fetching before either writes
            runner.met = True
            both_fetched.wait()
        return product

    monkeypatch.setattr(fake_supplier, "get_product", get_product)
    in_threads(lambda: actions.run_import_job(job.pk), lambda: actions.run_import_job(job.pk))
    job.refresh_from_db()
    assert (job.imported, job.duplicates, job.requested) == (3, 0, 3)
    assert set(ImportItem.objects.filter(job=job).values_list("status", flat=True)) == {ItemStatus.IMPORTED}
