"""Statuses and kinds of the inventory models, and the tables of their allowed status moves."""

from django.db import models

from nexusone.core.transitions import Transitions


class StockStatus(models.TextChoices):
    IN_STOCK = "in_stock", "In stock"
    LOW = "low", "Low"
    OUT = "out", "Out of stock"


class MarkupType(models.TextChoices):
    PERCENT = "percent", "Percent of cost"
    FIXED = "fixed", "Fixed amount"
    MULTIPLIER = "multiplier", "Multiplier"


class OutOfStockAction(models.TextChoices):
    DEACTIVATE = "deactivate", "Deactivate the product"
    KEEP_VISIBLE = "keep_visible", "Keep it visible (sold out)"
    NONE = "none", "Do nothing"


class PriceCycle(models.TextChoices):
    """How often supplier costs are re-read (`product/query`); stock has its own clock (the sync schedule)."""

    EVERY_6_HOURS = "6h", "Every 6 hours"
    EVERY_12_HOURS = "12h", "Every 12 hours"
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly"


PRICE_CYCLE_HOURS = {
    PriceCycle.EVERY_6_HOURS: 6,
    PriceCycle.EVERY_12_HOURS: 12,
    PriceCycle.DAILY: 24,
    PriceCycle.WEEKLY: 7 * 24,
}


class SyncTrigger(models.TextChoices):
    MANUAL = "manual", "Manual"
    SCHEDULED = "scheduled", "Scheduled"
    WEBHOOK = "webhook", "Webhook"
    API = "api", "API"
    PLANNED = "planned", "Planned refresh"
    ORDER_CHECK = "order_check", "Stock check before ordering"


class SyncStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    PARTIAL = "partial", "Partial"
    FAILED = "failed", "Failed"


ACTIVE_SYNC_STATUSES = (SyncStatus.QUEUED, SyncStatus.RUNNING)

# A run is claimed by one worker (queued → running) and ends once; a queued run whose worker never
# came is abandoned (queued → failed). Finished runs never move again.
SYNC_TRANSITIONS = Transitions(
    "sync run",
    {
        SyncStatus.QUEUED: frozenset({SyncStatus.RUNNING, SyncStatus.FAILED}),
        SyncStatus.RUNNING: frozenset({SyncStatus.SUCCEEDED, SyncStatus.PARTIAL, SyncStatus.FAILED}),
        SyncStatus.SUCCEEDED: frozenset(),
        SyncStatus.PARTIAL: frozenset(),
        SyncStatus.FAILED: frozenset(),
    },
)


class ChangeStatus(models.TextChoices):
    APPLIED = "applied", "Applied"
    HELD = "held", "Held for review"
    REJECTED = "rejected", "Rejected"


# A change is written applied, or held for the merchant's decision (approve, reject, or superseded
# by a newer supplier price); a decision is final.
CHANGE_TRANSITIONS = Transitions(
    "change",
    {
        ChangeStatus.HELD: frozenset({ChangeStatus.APPLIED, ChangeStatus.REJECTED}),
        ChangeStatus.APPLIED: frozenset(),
        ChangeStatus.REJECTED: frozenset(),
    },
)


class ChangeKind(models.TextChoices):
    STOCK = "stock", "Stock"
    PRICE = "price", "Cost and price"
    AVAILABILITY = "availability", "Availability"


class AlertKind(models.TextChoices):
    LOW_STOCK = "low_stock", "Low stock"
    OUT_OF_STOCK = "out_of_stock", "Out of stock"


class AlertState(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"
