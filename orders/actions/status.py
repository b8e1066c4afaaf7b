"""Order status: the one door for changes (the table is choices.TRANSITIONS), supplier news, the fulfillment log."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from nexusone.accounts.models import Merchant
from nexusone.core.events import publish_event
from nexusone.core.exceptions import InvalidTransition
from nexusone.notifications.actions import emit
from nexusone.notifications.choices import EventType, Level

from ..choices import PROGRESS, TRANSITIONS, EventSource, LogOutcome, OrderStatus
from ..models import FulfillmentLog, Order, OrderStatusEvent
from .customer_emails import CUSTOMER_EMAIL_STATUSES, email_customer

if TYPE_CHECKING:
    from nexusone.accounts.models import User

logger = logging.getLogger(__name__)

# CJ order status → ours. CREATED/IN_CART/UNPAID: accepted, waiting for payment at CJ.
SUPPLIER_STATUS_MAP: dict[str, str] = {
    "CREATED": OrderStatus.CONFIRMED,
    "IN_CART": OrderStatus.CONFIRMED,
    "UNPAID": OrderStatus.CONFIRMED,
    "UNSHIPPED": OrderStatus.PROCESSING,
    "SHIPPED": OrderStatus.SHIPPED,
    "DELIVERED": OrderStatus.DELIVERED,
    "CANCELLED": OrderStatus.CANCELLED,
}

AWAITING_PAYMENT_STATUSES = frozenset({"CREATED", "IN_CART", "UNPAID"})

# Called with the order after each status change and each refund, inside the caller's transaction (analytics
# registers one that refreshes its rollups after commit).
ORDER_CHANGE_HOOKS: list[Callable[[Order], None]] = []


def order_changed(order: Order) -> None:
    for hook in ORDER_CHANGE_HOOKS:
        hook(order)


def log_step(order: Order, step: str, outcome: str = LogOutcome.OK, message: str = "", **data: Any) -> FulfillmentLog:
    return FulfillmentLog.objects.create(
        merchant_id=order.merchant_id, order=order, step=step, outcome=outcome, message=message, data=data
    )


def lock_order(order: Order) -> Order:
    return Order.objects.select_for_update(of=("self",)).select_related("merchant").get(pk=order.pk)


def publish_status(order: Order) -> None:
    data = {"id": str(order.pk), "reference": order.reference, "status": order.status}
    transaction.on_commit(lambda: publish_event(order.merchant_id, "order.status", data))


# The event each new status announces (a failure is announced by the outbox, with CJ's reason).
STATUS_EVENTS = {OrderStatus.SHIPPED: EventType.ORDER_SHIPPED, OrderStatus.DELIVERED: EventType.ORDER_DELIVERED}


def announce_order(order: Order, event: str, *, from_status: str = "") -> None:
    """Tell the merchant's channels about the order (with its reference, status and total)."""
    payload = {
        "order_id": str(order.pk),
        "reference": order.reference,
        "status": order.status,
        "total_amount": str(order.total_amount),
        "currency": order.currency,
    }
    if order.status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED):
        payload["tracking_number"] = order.tracking_number
    if from_status:
        payload["from_status"] = from_status
    if event == EventType.ORDER_CREATED:
        title = f"New order {order.reference}: {order.total_amount} {order.currency}"
    else:
        title = f"Order {order.reference} is {order.get_status_display().lower()}"
    level = Level.SUCCESS if order.status == OrderStatus.DELIVERED else Level.INFO
    emit(order.merchant, event, payload, title=title, level=level, link=f"/orders/{order.pk}/")


def announce_new_order(order: Order) -> None:
    """After the create commits, a worker announces the order (orders.tasks.announce_order_task): the request
    pays one queue message instead of the notice's rows and its own messages. With the queue unreachable it is
    announced here, as before; a crash between the commit and the queue loses only the notice, never the order."""
    from .. import tasks

    def send() -> None:
        try:
            tasks.announce_order_task.delay(str(order.pk), EventType.ORDER_CREATED)
        except Exception:  # noqa: BLE001 - the broker is down: announce in this process
            logger.warning("Could not queue the notice of order %s; announcing it now", order.pk)
            announce_order(order, EventType.ORDER_CREATED)

    transaction.on_commit(send, robust=True)


def transition_order(
    order: Order,
    to_status: str,
    *,
    source: str = EventSource.SYSTEM,
    note: str = "",
    actor: User | None = None,
) -> Order:
    """The one door for status changes. `order` must be locked (select_for_update) by the caller."""
    if to_status not in TRANSITIONS[order.status]:
        raise InvalidTransition(
            f"Order {order.reference} is {order.get_status_display().lower()} and cannot become {to_status}."
        )
    now = timezone.now()
    from_status = order.status
    order.status = to_status
    fields = ["status", "updated_at"]
    stamp = f"{to_status}_at"
    if hasattr(order, stamp):
        setattr(order, stamp, now)
        fields.append(stamp)
    order.save(update_fields=fields)
    OrderStatusEvent.objects.create(
        merchant_id=order.merchant_id,
        order=order,
        from_status=from_status,
        to_status=to_status,
        source=source,
        note=note,
        actor=actor,
    )
    if to_status in CUSTOMER_EMAIL_STATUSES and to_status != OrderStatus.REFUNDED:
        email_customer(order, to_status)
    publish_status(order)
    if to_status != OrderStatus.FAILED:
        announce_order(order, STATUS_EVENTS.get(to_status, EventType.ORDER_STATUS_CHANGED), from_status=from_status)
    order_changed(order)
    return order


def advance_from_supplier(order: Order, to_status: str, *, source: str, note: str = "") -> bool:
    """Move a locked order forward on the main line; late or duplicate news is logged, never applied."""
    current, target = PROGRESS.get(order.status), PROGRESS.get(to_status)
    if current is None or target is None or target <= current:
        if order.status != to_status:
            log_step(
                order,
                "status.ignored",
                LogOutcome.IGNORED,
                f"{source} said {to_status} while the order is {order.status}; not moving backwards.",
            )
        return False
    transition_order(order, to_status, source=source, note=note)
    return True


def order_summary_counts(merchant: Merchant) -> dict[str, int]:
    counts = dict(Order.objects.for_merchant(merchant).order_by().values_list("status").annotate(n=Count("pk")))
    return {status: counts.get(status, 0) for status in OrderStatus.values}
