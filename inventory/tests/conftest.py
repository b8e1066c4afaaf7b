"""Inventory fixtures: a connected CJ account, a catalog mirrored from the FakeSupplier, eager tasks."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

from inventory import actions
from inventory.actions.sync import fetch
from inventory.models import Product, Variant
from nexusone.suppliers.cj.sandbox.pytest_fixtures import (  # noqa: F401 - fixtures for the sandbox tests
    cj_sandbox,
    cj_sandbox_account,
    cj_sandbox_server,
)


@pytest.fixture(autouse=True)
def _no_backoff(monkeypatch):
    monkeypatch.setattr(fetch, "SYNC_RETRIES", replace(fetch.SYNC_RETRIES, backoff_seconds=0))


@pytest.fixture
def eager_tasks(eager_celery):
    """Run Celery tasks in-process (and on-commit callbacks at once)."""
    return eager_celery


def mirror(merchant, fake, pid: str, *, stock: int | None = None, cost: str | None = None, **fields) -> Product:
    """A catalog product matching the fake supplier's `pid` (optionally with other DB stock/cost)."""
    supplier_product = fake.products[pid]
    db_cost = Decimal(cost) if cost is not None else supplier_product.cost_price
    price = actions.compute_price(merchant, db_cost)
    variants = supplier_product.variants
    total = sum(fake.stock[v.variant_id] if stock is None else stock for v in variants)
    product = Product.objects.create(
        merchant=merchant,
        external_id=pid,
        name=supplier_product.name,
        sku=supplier_product.sku,
        cost_price=db_cost,
        price=price,
        stock_quantity=total,
        supplier_stock=total,
        **fields,
    )
    for variant in variants:
        quantity = fake.stock[variant.variant_id] if stock is None else stock
        Variant.objects.create(
            merchant=merchant,
            product=product,
            external_id=variant.variant_id,
            sku=variant.sku,
            name=variant.name,
            cost_price=db_cost,
            price=price,
            stock_quantity=quantity,
            supplier_stock=quantity,
        )
    return product


@pytest.fixture
def catalog(merchant, fake_supplier, cj_account):
    """Three products, in step with the supplier: 2 variants of 20 each, cost 4.00."""
    products = []
    for i in range(1, 4):
        pid = f"PID-{i}"
        fake_supplier.add_product(pid, name=f"Lamp {i}", cost="4.00", variants=2, stock=20)
        products.append(mirror(merchant, fake_supplier, pid))
    return products
