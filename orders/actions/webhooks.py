"""CJ's order and logistics messages, as the supplier inbox hands them over (registered in OrdersConfig.ready).

Each returns a note for the message's record, or raises MessageIgnored saying why the message changed nothing."""

from __future__ import annotations

import uuid

from nexusone.accounts.models import Merchant
from nexusone.suppliers import inbox
from nexusone.suppliers.base import SupplierOrder, WebhookEvent

from ..choices import EventSource, OrderStatus
from ..models import Order, Shipment
from .tracking import apply_supplier_order, apply_tracking

ORDER_TOPICS = ("order",)
LOGISTIC_TOPICS = ("logistic", "logistics")


def _find_order(merchant: Merchant, *, order_id: str = "", reference: str = "") -> Order | None:
    """By CJ's order id or our order id (CJ's orderNumber) among the stores on this CJ account;
    by the store's own reference only within the message's store (ORDER_CONNNECTED messages)."""
    orders = Order.objects.filter(merchant_id__in=inbox.merchants_sharing_cj_account(merchant))
    if order_id:
        found = orders.filter(external_order_id=order_id).first()
        if found is not None:
            return found
    if reference:
        try:
            found = orders.filter(pk=uuid.UUID(reference)).first()
        except ValueError:
            found = None
        return found or Order.objects.for_merchant(merchant).filter(reference=reference).first()
    return None


def apply_order_event(merchant: Merchant, event: WebhookEvent) -> str:
    order = _find_order(merchant, order_id=event.order_id, reference=event.order_reference)
    if order is None:
        raise inbox.MessageIgnored(f"No order {event.order_reference or event.order_id}.")
    tracking_numbers = (event.tracking.tracking_number,) if event.tracking and event.tracking.tracking_number else ()
    supplier_order = SupplierOrder(
        order_id=event.order_id,
        reference=event.order_reference,
        status=event.order_status,
        tracking_numbers=tracking_numbers,
        logistic_name=event.tracking.carrier if event.tracking else "",
    )
    before = order.status
    order = apply_supplier_order(order, supplier_order, source=EventSource.WEBHOOK)
    if (
        event.tracking
        and event.tracking.tracking_number
        and order.status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED)
    ):
        apply_tracking(order, event.tracking, source=EventSource.WEBHOOK)
    return f"order {order.reference}: {before} → {order.status}"


def apply_logistic_event(merchant: Merchant, event: WebhookEvent) -> str:
    if event.tracking is None or not event.tracking.tracking_number:
        raise inbox.MessageIgnored("No tracking number in the message.")
    order = _find_order(merchant, order_id=event.order_id, reference=event.order_reference)
    if order is None:
        shipment = Shipment.objects.for_merchant(merchant).filter(tracking_number=event.tracking.tracking_number)
        order = Order.objects.filter(pk__in=shipment.values("order_id")).first()
    if order is None:
        raise inbox.MessageIgnored(f"No order for tracking {event.tracking.tracking_number}.")
    before = order.status
    after = apply_tracking(order, event.tracking, source=EventSource.WEBHOOK).order.status
    return f"tracking {event.tracking.tracking_number}: {before} → {after}"
