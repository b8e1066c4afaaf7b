"""Stock news: one message per kind for a run of stock writes, listing the products; live stock.changed."""

from __future__ import annotations

import pytest

from inventory import stock
from inventory.models import Variant
from inventory.stock_notices import one_message_per_run
from nexusone.core.models import LiveEvent
from nexusone.notifications.models import Event, Notification

pytestmark = pytest.mark.django_db


def set_supplier_stock(product, quantity: int) -> None:
    Variant.objects.filter(product=product).update(supplier_stock=quantity, stock_quantity=quantity)


def test_a_run_of_stock_writes_sends_one_out_of_stock_message_listing_every_product(merchant, catalog):
    first, second, third = catalog
    with one_message_per_run(merchant, run_id="run-1"):
        for product in (first, second):  # two batches of the run
            set_supplier_stock(product, 0)
            stock.settle(merchant, product_ids=[product.pk])
        set_supplier_stock(third, 1)
        stock.settle(merchant, product_ids=[third.pk])

    out = Notification.objects.get(event="inventory.out_of_stock")
    low = Notification.objects.get(event="inventory.low_stock")
    assert out.title == "2 products out of stock"
    assert "Lamp 1" in out.body
    assert "Lamp 2" in out.body
    assert out.link == "/inventory/?stock=out"
    assert [p["name"] for p in out.data["products"]] == ["Lamp 1", "Lamp 2"]
    assert out.data["run_id"] == "run-1"
    assert low.title == "Low stock: Lamp 3"  # a single product keeps its own wording
    assert Event.objects.count() == 2


def test_a_stock_write_outside_a_run_announces_at_once(merchant, catalog):
    set_supplier_stock(catalog[0], 0)

    stock.settle(merchant, product_ids=[catalog[0].pk])

    notice = Notification.objects.get(event="inventory.out_of_stock")
    assert notice.title == "Out of stock: Lamp 1"
    assert notice.data["product_id"] == str(catalog[0].pk)


def test_products_coming_back_are_announced_together(merchant, catalog):
    for product in catalog[:2]:
        set_supplier_stock(product, 0)
    stock.settle(merchant, product_ids=[p.pk for p in catalog[:2]])

    with one_message_per_run(merchant):
        for product in catalog[:2]:
            set_supplier_stock(product, 30)
            stock.settle(merchant, product_ids=[product.pk])

    back = Notification.objects.get(event="inventory.back_in_stock")
    assert back.title == "2 products back in stock"
    assert "Lamp 1: 60 to sell" in back.body


def test_a_stock_write_publishes_stock_changed_after_it_commits(
    merchant, catalog, settings, django_capture_on_commit_callbacks
):
    settings.REDIS_URL = ""  # the database feed, readable here
    set_supplier_stock(catalog[0], 7)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        stock.settle(merchant, product_ids=[catalog[0].pk])
    assert not LiveEvent.objects.filter(kind="stock.changed").exists()
    for callback in callbacks:
        callback()

    published = LiveEvent.objects.get(kind="stock.changed")
    assert published.data == {"product_ids": [str(catalog[0].pk)]}
    assert published.merchant_id == merchant.pk


def test_a_sync_run_that_empties_three_products_sends_one_message_listing_them(merchant, catalog, fake_supplier):
    from inventory import actions
    from inventory.choices import SyncTrigger

    for variant_id in list(fake_supplier.stock):
        fake_supplier.stock[variant_id] = 0

    run = actions.start_sync(merchant, SyncTrigger.MANUAL, None, run_now=True)

    out = Notification.objects.get(event="inventory.out_of_stock")
    assert out.title == "3 products out of stock"
    assert sorted(p["name"] for p in out.data["products"]) == ["Lamp 1", "Lamp 2", "Lamp 3"]
    assert out.data["run_id"] == str(run.pk)
    completed = Event.objects.get(type="sync.completed")
    assert (completed.data["changed"], completed.data["status"]) == (3, "succeeded")


def test_a_sync_that_changes_stock_publishes_stock_changed_for_those_products(
    merchant, catalog, fake_supplier, settings, django_capture_on_commit_callbacks
):
    from inventory import actions
    from inventory.choices import SyncTrigger

    settings.REDIS_URL = ""
    fake_supplier.stock["PID-2-V1"] = 3

    with django_capture_on_commit_callbacks(execute=True):
        actions.start_sync(merchant, SyncTrigger.MANUAL, None, run_now=True)

    published = [row.data["product_ids"] for row in LiveEvent.objects.filter(kind="stock.changed")]
    assert published == [[str(catalog[1].pk)]]


def test_a_run_that_holds_price_changes_announces_them_once(merchant, catalog, fake_supplier):
    from inventory import actions
    from inventory.choices import SyncTrigger

    fake_supplier.set_cost("PID-1", "8.00")
    fake_supplier.set_cost("PID-2", "9.00")

    actions.start_sync(merchant, SyncTrigger.MANUAL, None, run_now=True)

    held = Event.objects.get(type="price.change_held")
    assert held.data["held"] == 2
    assert held.link == "/inventory/changes/"
