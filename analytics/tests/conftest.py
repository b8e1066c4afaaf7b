"""Orders with fixed amounts and timestamps, written as the order flow leaves them (ledger rows included)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import count

import pytest

from orders import actions as order_actions
from orders.choices import OrderStatus
from orders.models import Order, OrderLine
from tests.factories import CategoryFactory, ProductFactory, VariantFactory

_references = count(1)


@dataclass
class Item:
    product: object
    quantity: int
    unit_price: str
    unit_cost: str


def make_order(
    merchant,
    items: list[Item],
    *,
    confirmed_at: datetime | None,
    created_at: datetime | None = None,
    shipping: str = "0.00",
    shipped_after: timedelta | None = None,
    delivered_after: timedelta | None = None,
) -> Order:
    """A confirmed order (sale commission written) with its lines; shipped/delivered `after` the previous step."""
    subtotal = sum((Decimal(i.unit_price) * i.quantity for i in items), Decimal("0"))
    order = Order.objects.create(
        merchant=merchant,
        reference=f"#A{next(_references)}",
        customer_name="Ada Lovelace",
        customer_email="ada@example.com",
        shipping_cost=Decimal(shipping),
        subtotal=subtotal,
        total_amount=subtotal + Decimal(shipping),
        status=OrderStatus.CONFIRMED if confirmed_at else OrderStatus.PENDING,
        confirmed_at=confirmed_at,
    )
    Order.objects.filter(pk=order.pk).update(created_at=created_at or confirmed_at or order.created_at)
    for item in items:
        variant = item.product.variants.first()
        OrderLine.objects.create(
            merchant=merchant,
            order=order,
            product=item.product,
            variant=variant,
            external_variant_id=variant.external_id if variant else "V",
            quantity=item.quantity,
            unit_price=Decimal(item.unit_price),
            unit_cost=Decimal(item.unit_cost),
        )
    order.refresh_from_db()
    if confirmed_at:
        order_actions.record_sale_commission(order)
    if shipped_after is not None:
        order.shipped_at, order.status = order.confirmed_at + shipped_after, OrderStatus.SHIPPED
        if delivered_after is not None:
            order.delivered_at, order.status = order.shipped_at + delivered_after, OrderStatus.DELIVERED
        order.save()
    return order


def refund(order: Order, amount: str | None = None) -> Order:
    """What orders.actions.refund_order writes: the refunded amount, reversing ledger rows, status refunded."""
    value = Decimal(amount) if amount else order.total_amount - order.refunded_amount
    order.refunded_amount += value
    order.status = OrderStatus.REFUNDED
    order.save()
    order_actions.reverse_commission(order, value, note="refund")
    return order


def cancel(order: Order) -> Order:
    order.status, order.cancelled_at = OrderStatus.CANCELLED, order.confirmed_at
    order.save()
    order_actions.reverse_commission(order, None, note="cancelled")
    return order


@pytest.fixture
def category(merchant):
    return CategoryFactory(merchant=merchant, name="Home")


@pytest.fixture
def box(merchant, category):
    product = ProductFactory(merchant=merchant, name="Storage Box", category=category, stock_quantity=10)
    VariantFactory(product=product, stock_quantity=10)
    return product


@pytest.fixture
def lamp(merchant):
    product = ProductFactory(merchant=merchant, name="Desk Lamp", stock_quantity=3)
    VariantFactory(product=product, stock_quantity=3)
    return product
