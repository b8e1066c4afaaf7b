"""Syncs and supplier webhooks move the supplier's count; what can be sold keeps the reservations out."""

import pytest

from inventory import actions, stock
from inventory.choices import AlertKind, AlertState, SyncTrigger
from inventory.models import Product, StockAlert, Variant

pytestmark = pytest.mark.django_db


def hold(merchant, external_id: str, units: int) -> Variant:
    """Units held by an open order (as orders.actions.reserve_stock does)."""
    variant = Variant.objects.get(external_id=external_id)
    assert not stock.reserve_units(merchant.pk, {variant.pk: units})
    stock.settle(merchant, variant_ids=[variant.pk])
    variant.refresh_from_db()
    return variant


def test_a_sync_writes_the_suppliers_count_and_keeps_reserved_units_out_of_sellable_stock(
    merchant, catalog, fake_supplier
):
    hold(merchant, "PID-1-V1", 3)
    fake_supplier.stock["PID-1-V1"] = 8

    actions.start_sync(merchant, SyncTrigger.MANUAL, run_now=True)

    variant = Variant.objects.get(external_id="PID-1-V1")
    assert (variant.supplier_stock, variant.reserved_quantity, variant.stock_quantity) == (8, 3, 5)
    product = Product.objects.get(external_id="PID-1")
    assert (product.supplier_stock, product.reserved_quantity, product.stock_quantity) == (28, 3, 25)


def test_a_sync_that_leaves_only_reserved_units_sells_the_product_out_and_deactivates_it(
    merchant, catalog, fake_supplier
):
    hold(merchant, "PID-1-V1", 2)
    fake_supplier.stock["PID-1-V1"] = 1  # CJ has fewer than our open orders hold
    fake_supplier.stock["PID-1-V2"] = 0

    actions.start_sync(merchant, SyncTrigger.MANUAL, run_now=True)

    product = Product.objects.get(external_id="PID-1")
    assert (product.supplier_stock, product.reserved_quantity, product.stock_quantity) == (1, 2, 0)
    assert (product.is_active, product.auto_deactivated) == (False, True)
    assert StockAlert.objects.get(product=product, state=AlertState.OPEN).kind == AlertKind.OUT_OF_STOCK


def test_a_cj_stock_webhook_applies_the_alert_and_the_out_of_stock_action(merchant, catalog, fake_supplier):
    from nexusone.suppliers.base import StockLevel, WarehouseStock, WebhookEvent

    fake_supplier.stock["PID-2-V1"] = fake_supplier.stock["PID-2-V2"] = 0
    event = WebhookEvent(
        message_id="m-1",
        topic="STOCK",
        action="UPDATE",
        stock=(StockLevel("PID-2-V1", (WarehouseStock("CN", 0),)),),
        payload={"PID-2-V1": [{"vid": "PID-2-V1", "countryCode": "CN", "storageNum": 0}]},
    )

    actions.apply_supplier_stock_event(merchant, event)

    product = Product.objects.get(external_id="PID-2")
    assert (product.stock_quantity, product.is_active) == (0, False)
    assert StockAlert.objects.get(product=product).kind == AlertKind.OUT_OF_STOCK


def test_stock_written_outside_a_sync_is_judged_by_the_same_rules(merchant, catalog):
    Variant.objects.filter(product__external_id="PID-3").update(supplier_stock=0, stock_quantity=0)

    stock.settle(merchant, product_ids=[Product.objects.get(external_id="PID-3").pk])

    product = Product.objects.get(external_id="PID-3")
    assert (product.supplier_stock, product.stock_quantity, product.is_active) == (0, 0, False)
    assert StockAlert.objects.get(product=product, state=AlertState.OPEN).kind == AlertKind.OUT_OF_STOCK
