"""Fixtures for order tests: a connected CJ account on the FakeSupplier, a small catalog, request bodies."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest
from django.utils import timezone

from inventory.models import ProductFreshness
from tests.factories import ProductFactory, VariantFactory


@pytest.fixture(autouse=True)
def _eager_tasks(eager_celery):
    """Tasks queued on commit run in-process, as a worker would run them."""


@pytest.fixture
def account(cj_account, fake_supplier):
    """The merchant's CJ account, answered by the FakeSupplier and signing webhooks with its key."""
    cj_account.open_id = fake_supplier.webhook_key
    cj_account.save(update_fields=["open_id"])
    return cj_account


@pytest.fixture
def variant(merchant):
    product = ProductFactory(merchant=merchant, name="Foldable Storage Box", price="12.00", stock_quantity=10)
    return VariantFactory(product=product, name="Grey L", price="12.00", cost_price="4.25", stock_quantity=10)


@pytest.fixture
def second_variant(merchant):
    product = ProductFactory(merchant=merchant, name="Desk Lamp", price="20.00", stock_quantity=5)
    return VariantFactory(product=product, name="Black", price="20.00", cost_price="8.00", stock_quantity=5)


def create_body(variant, quantity: int = 2, reference: str = "#1001", **overrides) -> dict:
    body = {
        "action": "create",
        "reference": reference,
        "customer": {"name": "Ada Lovelace", "email": "ada@example.com", "phone": "+1 555 0100"},
        "shipping_address": {
            "name": "Ada Lovelace",
            "line1": "1 Main St",
            "city": "Springfield",
            "province": "IL",
            "postal_code": "62701",
            "country_code": "US",
            "phone": "+1 555 0100",
        },
        "items": [{"product_id": str(variant.product_id), "variant_id": str(variant.pk), "quantity": quantity}],
    }
    body.update(overrides)
    return body


def entry_form(*variants, reference="#W1", quantity="2", intent="create", **overrides) -> dict:
    """A post of the order entry page: one item row per variant (each `quantity`), as a browser sends it."""
    data = {
        "intent": intent,
        "reference": reference,
        "customer_name": "Grace Hopper",
        "customer_email": "grace@example.com",
        "customer_phone": "",
        "line1": "1 Navy Way",
        "line2": "",
        "city": "Arlington",
        "province": "VA",
        "postal_code": "22202",
        "country_code": "us",
        "shipping_method": "",
        "items-TOTAL_FORMS": str(max(len(variants), 1)),
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "1",
        "items-MAX_NUM_FORMS": "50",
    }
    for row, variant in enumerate(variants):
        data.update(
            {f"items-{row}-search": "", f"items-{row}-variant": str(variant.pk), f"items-{row}-quantity": quantity}
        )
    data.update(overrides)
    return data


def order_input(variant, quantity: int = 2, reference: str = "#1001"):
    from orders.actions import LineInput, OrderInput

    body = create_body(variant, quantity, reference)
    return OrderInput(
        reference=reference,
        customer_name=body["customer"]["name"],
        customer_email=body["customer"]["email"],
        shipping_address=body["shipping_address"],
        items=[LineInput(variant.product_id, quantity, variant.pk)],
    )


def signed(fake, message: dict) -> tuple[bytes, str]:
    raw = json.dumps(message).encode()
    return raw, base64.b64encode(hmac.new(fake.webhook_key.encode(), raw, hashlib.sha256).digest()).decode()


from nexusone.suppliers.cj.sandbox.pytest_fixtures import (  # noqa: E402, F401 - fixtures for sandbox tests
    cj_sandbox,
    cj_sandbox_account,
    cj_sandbox_server,
)


def variant_from_sandbox(sandbox, merchant, stock: int = 25):
    """Our catalog row for the sandbox's first product in stock in China (as an import would write it)."""
    sandbox_variant = next(
        v for p in sandbox.state.products.values() for v in p.variants if v.on_sale and v.total("CN") >= stock
    )
    sandbox_product = sandbox.state.products[sandbox_variant.pid]
    product = ProductFactory(
        merchant=merchant,
        external_id=sandbox_product.pid,
        name=sandbox_product.name_en,
        price="19.90",
        stock_quantity=stock,
    )
    ProductFreshness.objects.create(product=product, merchant=merchant, stock_read_at=timezone.now())
    return VariantFactory(
        product=product,
        external_id=sandbox_variant.vid,
        sku=sandbox_variant.sku,
        name=sandbox_variant.key,
        price="19.90",
        cost_price=str(sandbox_variant.sell_price),
        stock_quantity=stock,
    )
