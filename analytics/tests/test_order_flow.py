"""Rollups follow the real order flow (confirm, ship, deliver, refund, cancel) and match a rebuild."""

from __future__ import annotations

from decimal import Decimal

import pytest

from analytics import actions
from analytics.models import MerchantDay, ProductDay
from orders import actions as order_actions
from orders.actions import LineInput, OrderInput
from orders.models import CommissionEntry
from tests.factories import ProductFactory, VariantFactory

pytestmark = pytest.mark.django_db

ADDRESS = {"name": "Ada", "line1": "1 Main St", "city": "Springfield", "postal_code": "62701", "country_code": "US"}


@pytest.fixture(autouse=True)
def _eager(eager_celery):
    """The rollup task queued on commit runs in-process."""


@pytest.fixture
def account(cj_account, fake_supplier):
    cj_account.open_id = fake_supplier.webhook_key
    cj_account.save(update_fields=["open_id"])
    return cj_account


@pytest.fixture
def variant(merchant):
    product = ProductFactory(merchant=merchant, name="Storage Box", price="12.00", stock_quantity=50)
    return VariantFactory(product=product, price="12.00", cost_price="4.25", stock_quantity=50)


def _confirmed(merchant, variant, quantity: int, reference: str, commit):
    with commit(execute=True):
        order, _ = order_actions.create_order(
            merchant,
            OrderInput(
                reference,
                "Ada",
                "ada@example.com",
                shipping_address=ADDRESS,
                items=[LineInput(variant.product_id, quantity, variant.pk)],
            ),
        )
    with commit(execute=True):
        order_actions.submit_order(order.submission.pk)
    order.refresh_from_db()
    return order


def _figures(merchant) -> list:
    days = MerchantDay.objects.filter(merchant=merchant).order_by("day")
    products = ProductDay.objects.filter(merchant=merchant).order_by("product_id", "day")
    return [
        [(d.day, d.orders, d.units, d.revenue, d.refunds, d.cost, d.commission_client, d.fulfillment) for d in days],
        [(p.product_id, p.day, p.orders, p.units, p.revenue, p.commission_platform) for p in products],
    ]


def test_the_rollups_follow_orders_through_the_flow_and_equal_a_rebuild(
    merchant, account, variant, fake_supplier, django_capture_on_commit_callbacks
):
    commit = django_capture_on_commit_callbacks
    shipped = _confirmed(merchant, variant, 2, "#1", commit)
    refunded = _confirmed(merchant, variant, 1, "#2", commit)
    cancelled = _confirmed(merchant, variant, 3, "#3", commit)
    fake_supplier.set_order_status(str(shipped.pk), "SHIPPED", "T1")
    with commit(execute=True):
        order_actions.refresh_tracking(shipped)
    with commit(execute=True):
        order_actions.refund_order(refunded, Decimal("5.05"))
    with commit(execute=True):
        order_actions.refund_order(refunded, Decimal("1.00"))  # a second partial refund: no status change
    with commit(execute=True):
        order_actions.cancel_order(cancelled)

    today = actions.store_today(merchant)
    summary = actions.summary(merchant, actions.Period(today, today))
    incremental = _figures(merchant)
    actions.rebuild(merchant)

    ledger = CommissionEntry.objects.filter(merchant=merchant)
    assert (summary["orders"], summary["units"]) == (2, 3)
    assert Decimal(summary["revenue"]) == shipped.total_amount + refunded.total_amount - Decimal("6.05")
    assert Decimal(summary["commission"]["client"]) == sum(e.client_share for e in ledger)
    assert summary["fulfillment_hours"]["to_shipped"]["median"] is not None
    assert _figures(merchant) == incremental
