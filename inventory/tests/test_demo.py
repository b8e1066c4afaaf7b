from __future__ import annotations

import io

from django_celery_beat.models import PeriodicTask

from inventory import actions
from inventory.demo import DEMO_PRODUCTS, seed_inventory
from inventory.models import Product


def test_the_demo_seed_fills_the_catalog_from_the_sandbox_once(merchant, settings):
    settings.CJ_SANDBOX_ENABLED = True

    seed_inventory(merchant, io.StringIO())
    seed_inventory(merchant, io.StringIO())

    assert Product.objects.for_merchant(merchant).count() == DEMO_PRODUCTS
    assert PeriodicTask.objects.filter(name=actions.schedule_name(merchant)).exists()


def test_without_the_sandbox_the_demo_seed_adds_no_products(merchant, settings):
    settings.CJ_SANDBOX_ENABLED = False

    seed_inventory(merchant, io.StringIO())

    assert not Product.objects.for_merchant(merchant).exists()


def test_the_demo_seed_applies_alerts_and_the_out_of_stock_action_before_any_sync(merchant, settings):
    from inventory.choices import AlertKind, AlertState
    from inventory.models import StockAlert, SyncRun

    settings.CJ_SANDBOX_ENABLED = True

    seed_inventory(merchant, io.StringIO())

    products = Product.objects.for_merchant(merchant)
    sold_out = products.filter(stock_quantity=0)
    assert sold_out.exists()  # the sandbox's catalog has products CJ has none of
    assert not sold_out.filter(is_active=True).exists()
    open_out = StockAlert.objects.filter(state=AlertState.OPEN, kind=AlertKind.OUT_OF_STOCK)
    assert set(open_out.values_list("product_id", flat=True)) == set(sold_out.values_list("pk", flat=True))
    assert not SyncRun.objects.exists()
