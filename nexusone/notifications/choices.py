"""Event names, channels and delivery states: the vocabulary of notifications and outgoing webhooks."""

from __future__ import annotations

from django.db import models


class EventType(models.TextChoices):
    """What business actions announce (DESIGN.md §6), plus the notices that ask the merchant to act."""

    LOW_STOCK = "inventory.low_stock", "Low stock"
    OUT_OF_STOCK = "inventory.out_of_stock", "Out of stock"
    BACK_IN_STOCK = "inventory.back_in_stock", "Back in stock"
    SYNC_COMPLETED = "sync.completed", "Sync completed"
    SYNC_FAILED = "sync.failed", "Sync failed"
    PRICE_CHANGE_HELD = "price.change_held", "Price change held for review"
    ORDER_CREATED = "order.created", "Order created"
    ORDER_STATUS_CHANGED = "order.status_changed", "Order status changed"
    ORDER_FAILED = "order.failed", "Order failed"
    ORDER_SHIPPED = "order.shipped", "Order shipped"
    ORDER_DELIVERED = "order.delivered", "Order delivered"
    IMPORT_COMPLETED = "import.completed", "Import completed"
    EXTENSION_SESSION_CREATED = "extension.session_created", "Extension session created"
    # Notices that need the merchant to do something (not in the first contract; welcome additions).
    ORDER_DELAYED = "order.delayed", "Order not at CJ yet"
    ORDER_AWAITING_PAYMENT = "order.awaiting_payment", "Order waiting for payment at CJ"
    ORDER_CANCEL_AT_CJ = "order.cancel_at_cj", "Order to cancel at CJ"
    WEBHOOK_ENDPOINT_DISABLED = "webhook.endpoint_disabled", "Webhook endpoint disabled"
    BILLING_PAYMENT_FAILED = "billing.payment_failed", "Payment for the plan failed"
    BILLING_PLAN_ENDED = "billing.plan_ended", "Paid plan ended"


class Channel(models.TextChoices):
    IN_APP = "in_app", "In the app"
    EMAIL = "email", "Email"
    SMS = "sms", "SMS"
    WEBHOOK = "webhook", "Webhooks"


class Level(models.TextChoices):
    INFO = "info", "Info"
    SUCCESS = "success", "Success"
    WARNING = "warning", "Warning"
    ERROR = "error", "Error"


# Out of stock, a failed sync and a failed order reach the team by email; everything shows in the app and
# goes to the merchant's webhook endpoints (which choose their own events); SMS only when asked for.
EMAILED_BY_DEFAULT = frozenset(
    {
        EventType.OUT_OF_STOCK,
        EventType.SYNC_FAILED,
        EventType.ORDER_FAILED,
        EventType.BILLING_PAYMENT_FAILED,
        EventType.BILLING_PLAN_ENDED,
    }
)


def default_channels(event: str) -> dict[str, bool]:
    return {
        Channel.IN_APP: True,
        Channel.EMAIL: event in EMAILED_BY_DEFAULT,
        Channel.SMS: False,
        Channel.WEBHOOK: True,
    }


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"  # waiting for its next attempt
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"  # every attempt used, or the endpoint was disabled


WILDCARD = "*"
