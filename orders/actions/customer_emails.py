"""The customer's emails at confirmed, shipped, delivered, cancelled and refunded."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from nexusone.notifications.actions import send_email

from ..choices import OrderStatus
from ..models import Order

logger = logging.getLogger(__name__)


CUSTOMER_EMAIL_STATUSES = frozenset(
    {OrderStatus.CONFIRMED, OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.CANCELLED, OrderStatus.REFUNDED}
)


def email_customer(order: Order, kind: str, **extra: Any) -> None:
    from .. import tasks

    def send() -> None:
        try:
            tasks.email_customer_task.delay(str(order.pk), kind, extra)
        except Exception:  # noqa: BLE001 - an email must not break the order flow
            logger.warning("Could not queue the %s email of order %s", kind, order.pk)

    transaction.on_commit(send)


def send_customer_email(order: Order, kind: str, extra: dict[str, Any] | None = None) -> int:
    """The customer's email at confirmed, shipped (with tracking), delivered, cancelled, refunded."""
    shipments = list(order.shipments.all())
    context = {"order": order, "merchant": order.merchant, "shipments": shipments, **(extra or {})}
    subjects = {
        OrderStatus.CONFIRMED: f"Your order {order.reference} is confirmed",
        OrderStatus.SHIPPED: f"Your order {order.reference} is on its way",
        OrderStatus.DELIVERED: f"Your order {order.reference} was delivered",
        OrderStatus.CANCELLED: f"Your order {order.reference} was cancelled",
        OrderStatus.REFUNDED: f"A refund for your order {order.reference}",
    }
    return send_email([order.customer_email], subjects[kind], "", template=f"orders/email/{kind}", context=context)
