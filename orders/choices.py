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


S = OrderStatus

# The one table of allowed moves. The main line only goes forward (a supplier may skip steps,
# e.g. confirmed → shipped); failed is an exception the merchant retries (back to pending).
TRANSITIONS: dict[str, frozenset[str]] = {
    S.PENDING: frozenset({S.CONFIRMED, S.PROCESSING, S.SHIPPED, S.DELIVERED, S.CANCELLED, S.FAILED}),
    S.CONFIRMED: frozenset({S.PROCESSING, S.SHIPPED, S.DELIVERED, S.CANCELLED, S.REFUNDED}),
    S.PROCESSING: frozenset({S.SHIPPED, S.DELIVERED, S.CANCELLED, S.REFUNDED}),
    S.SHIPPED: frozenset({S.DELIVERED, S.REFUNDED}),
    S.DELIVERED: frozenset({S.REFUNDED}),
    S.FAILED: frozenset({S.PENDING, S.CANCELLED}),
    S.CANCELLED: frozenset(),
    S.REFUNDED: frozenset(),
}

# Position on the main line; supplier events that point at or before the current position are stale.
PROGRESS: dict[str, int] = {S.PENDING: 0, S.CONFIRMED: 1, S.PROCESSING: 2, S.SHIPPED: 3, S.DELIVERED: 4}

CANCELLABLE = frozenset({S.PENDING, S.CONFIRMED, S.PROCESSING, S.FAILED})
REFUNDABLE = frozenset({S.CONFIRMED, S.PROCESSING, S.SHIPPED, S.DELIVERED, S.REFUNDED})
# Statuses whose timestamps the order records (`<status>_at`).
TIMESTAMPED = (S.CONFIRMED, S.PROCESSING, S.SHIPPED, S.DELIVERED, S.CANCELLED, S.REFUNDED, S.FAILED)


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
