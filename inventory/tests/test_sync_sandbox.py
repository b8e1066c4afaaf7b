"""The sync engine through the real CJ client against the CJ sandbox over HTTP."""

from __future__ import annotations

from decimal import Decimal

import pytest

from inventory import actions
from inventory.choices import SyncStatus, SyncTrigger
from inventory.models import Product, Variant
from inventory.tests.catalog import mirror_supplier_product
from nexusone.suppliers.cj.points import PointsLedger
from nexusone.suppliers.registry import get_supplier


@pytest.fixture
def sandbox_catalog(merchant, cj_sandbox, cj_sandbox_account):
    """Three on-sale sandbox products with stock, mirrored into the catalog as CJ has them now (CN only)."""
    actions.update_inventory_settings(merchant, ship_from_countries=["CN"])
    client = get_supplier(cj_sandbox_account)
    chosen = []
    for sandbox_product in cj_sandbox.state.products.values():
        if sandbox_product.on_sale and all(
            v.on_sale and v.stock.get("CN", (0, 0))[0] > 10 for v in sandbox_product.variants
        ):
            chosen.append(sandbox_product.pid)
        if len(chosen) == 3:
            break
    return [
        mirror_supplier_product(merchant, client.get_product(pid), client.get_product_stock(pid), {"CN"})
        for pid in chosen
    ]


def sync(merchant):
    return actions.start_sync(merchant, SyncTrigger.MANUAL, run_now=True)


@pytest.mark.django_db(transaction=True)
def test_a_sync_against_the_sandbox_corrects_stock_and_prices(merchant, cj_sandbox, sandbox_catalog):
    first = sandbox_catalog[0]
    variant = first.variants.order_by("external_id").first()
    cj_sandbox.control("stock", {"vid": variant.external_id, "quantity": 3, "countryCode": "CN"})
    new_cost = (variant.cost_price * Decimal("1.10")).quantize(Decimal("0.01"))
    cj_sandbox.control("price", {"vid": variant.external_id, "price": str(new_cost)})

    run = sync(merchant)

    assert run.status == SyncStatus.SUCCEEDED, run.errors
    assert run.api_calls == 6
    variant.refresh_from_db()
    assert variant.stock_quantity == 3
    assert variant.cost_price == new_cost
    assert variant.price == actions.compute_price(merchant, new_cost)
    assert run.changed == 1


@pytest.mark.django_db(transaction=True)
def test_a_sandbox_sync_with_failing_stock_calls_changes_no_stock(merchant, cj_sandbox, sandbox_catalog):
    before = dict(Variant.objects.values_list("external_id", "stock_quantity"))
    for product in sandbox_catalog:
        for variant in product.variants.all():
            cj_sandbox.control("stock", {"vid": variant.external_id, "quantity": 0, "countryCode": "CN"})
    cj_sandbox.add_fault("product/stock/getInventoryByPid", "server_error", count=-1)

    run = sync(merchant)

    assert run.status == SyncStatus.FAILED
    assert run.failed == 3
    assert dict(Variant.objects.values_list("external_id", "stock_quantity")) == before
    assert Product.objects.filter(is_active=False).count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_sync_stops_where_the_points_reserve_begins(merchant, cj_sandbox, cj_sandbox_account, sandbox_catalog):
    ledger = PointsLedger(cj_sandbox_account)
    background = ledger.status().background_budget
    ledger.correct({"usedToday": background - 20, "total": 50_000})  # room for one product: stock + details
    cj_sandbox.control("state", {"reset_stats": True})

    run = sync(merchant)

    assert run.status == SyncStatus.PARTIAL
    assert run.processed == 1
    assert run.failed == 2
    assert "kept for imports, shipping quotes and stock checks at order time" in run.errors[0]["detail"]
    assert cj_sandbox.control("state", method="GET")["stats"]["calls"] == 2
    assert ledger.status().used == background
    assert ledger.status().remaining == ledger.status().reserve
