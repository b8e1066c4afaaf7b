"""Stock and prices on their own clocks: stock-only reads, read times per product, webhook news read at once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inventory import actions
from inventory.choices import SyncTrigger
from inventory.models import Product, ProductFreshness, Variant
from nexusone.suppliers.base import StockLevel, WarehouseStock, WebhookEvent

pytestmark = pytest.mark.django_db


def stock_message(vid: str, quantity: int) -> WebhookEvent:
    return WebhookEvent(
        message_id=f"m-{vid}",
        topic="stock",
        action="UPDATE",
        stock=(StockLevel(vid, (WarehouseStock("CN", quantity),)),),
        payload={"params": {vid: [{"vid": vid, "countryCode": "CN", "storageNum": quantity}]}},
    )


def test_a_stock_only_read_costs_one_call_and_moves_stock_but_not_costs(merchant, catalog, fake_supplier):
    product = catalog[0]
    fake_supplier.stock["PID-1-V1"] = 3
    fake_supplier.set_cost("PID-1", "9.00")
    fake_supplier.calls.clear()

    run = actions.start_sync(
        merchant, SyncTrigger.PLANNED, product_ids=[product.pk], stock_only_ids=[product.pk], run_now=True
    )

    assert fake_supplier.calls == [("get_product_stock", "PID-1")]
    assert run.api_calls == 1
    variant = Variant.objects.get(external_id="PID-1-V1")
    assert (variant.supplier_stock, variant.cost_price) == (3, Decimal("4.00"))
    freshness = ProductFreshness.objects.get(product=product)
    assert freshness.stock_read_at is not None
    assert freshness.price_read_at is None


def test_a_full_read_records_both_stock_and_price_read_times_for_every_product_read(merchant, catalog):
    actions.start_sync(merchant, SyncTrigger.MANUAL, run_now=True)

    rows = ProductFreshness.objects.filter(product__in=catalog)
    assert rows.count() == 3
    assert all(row.stock_read_at and row.price_read_at for row in rows)
    assert Product.objects.get(pk=catalog[1].pk).last_sync_at is None  # unchanged products are not rewritten


def test_a_stock_message_reads_only_the_stock_of_the_product_it_names_at_once(merchant, catalog, fake_supplier):
    fake_supplier.stock["PID-2-V1"] = 0
    fake_supplier.calls.clear()

    actions.apply_supplier_stock_event(merchant, stock_message("PID-2-V1", 0))

    assert fake_supplier.calls == [("get_product_stock", "PID-2")]
    assert Variant.objects.get(external_id="PID-2-V1").supplier_stock == 0
    assert ProductFreshness.objects.get(product__external_id="PID-2").changed_at is not None


def test_a_variant_message_reads_costs_too(merchant, catalog, fake_supplier):
    fake_supplier.set_cost("PID-3", "4.20")
    fake_supplier.calls.clear()
    event = WebhookEvent(
        message_id="m-v",
        topic="variant",
        action="UPDATE",
        variant_id="PID-3-V1",
        payload={"params": {"vid": "PID-3-V1", "variantSellPrice": 4.2}},
    )

    actions.apply_supplier_stock_event(merchant, event)

    assert ("get_product", "PID-3") in fake_supplier.calls
    assert Variant.objects.get(external_id="PID-3-V1").cost_price == Decimal("4.20")
