"""Statuses and kinds for orders, their supplier submissions, tracking and the commission ledger."""

from django.db import models


class OrderStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    CONFIRMED = "confirmed", "Confirmed"
    PROCESSING = "processing", "Processing"
    SHIPPED = "shipped", "Shipped"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"
    REFUNDED = "refunded", "Refunded"
    FAILED = "failed", "Failed"


# The one table of allowed moves. The main line only goes forward (a supplier may skip steps,
# e.g. confirmed → shipped); failed is an exception the merchant retries (back to pending).
TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.PENDING: frozenset(
        {
            OrderStatus.CONFIRMED,
            OrderStatus.PROCESSING,
            OrderStatus.SHIPPED,
            OrderStatus.DELIVERED,
            OrderStatus.CANCELLED,
            OrderStatus.FAILED,
        }
    ),
    OrderStatus.CONFIRMED: frozenset(
        {
            OrderStatus.PROCESSING,
            OrderStatus.SHIPPED,
            OrderStatus.DELIVERED,
            OrderStatus.CANCELLED,
            OrderStatus.REFUNDED,
        }
    ),
    OrderStatus.PROCESSING: frozenset(
        {OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.CANCELLED, OrderStatus.REFUNDED}
    ),
    OrderStatus.SHIPPED: frozenset({OrderStatus.DELIVERED, OrderStatus.REFUNDED}),
    OrderStatus.DELIVERED: frozenset({OrderStatus.REFUNDED}),
    OrderStatus.FAILED: frozenset({OrderStatus.PENDING, OrderStatus.CANCELLED}),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.REFUNDED: frozenset(),
}

# Position on the main line; supplier events that point at or before the current position are stale.
PROGRESS: dict[str, int] = {
    OrderStatus.PENDING: 0,
    OrderStatus.CONFIRMED: 1,
    OrderStatus.PROCESSING: 2,
    OrderStatus.SHIPPED: 3,
    OrderStatus.DELIVERED: 4,
}

CANCELLABLE = frozenset({OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.PROCESSING, OrderStatus.FAILED})
REFUNDABLE = frozenset(
    {OrderStatus.CONFIRMED, OrderStatus.PROCESSING, OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.REFUNDED}
)


class StockState(models.TextChoices):
    RESERVED = "reserved", "Reserved"  # held in Variant.reserved_quantity
    CONSUMED = "consumed", "Consumed"  # the supplier accepted the order: taken out of stock
    RELEASED = "released", "Released"  # given back (cancel, failure)


class SubmissionState(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    UNKNOWN = "unknown", "Outcome unknown"
    ACCEPTED = "accepted", "Accepted"
    FAILED = "failed", "Failed"


class EventSource(models.TextChoices):
    USER = "user", "User"
    API = "api", "API"
    SUPPLIER = "supplier", "Supplier"
    WEBHOOK = "webhook", "Webhook"
    POLLING = "polling", "Polling"
    SYSTEM = "system", "System"


class LogOutcome(models.TextChoices):
    OK = "ok", "OK"
    INFO = "info", "Info"
    RETRY = "retry", "Will retry"
    IGNORED = "ignored", "Ignored"
    ERROR = "error", "Error"


class CommissionKind(models.TextChoices):
    SALE = "sale", "Sale"
    REFUND = "refund", "Refund"


class OrderSource(models.TextChoices):
    API = "api", "API"
    MANUAL = "manual", "Entered by hand"
