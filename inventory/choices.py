from django.db import models


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


class SyncTrigger(models.TextChoices):
    MANUAL = "manual", "Manual"
    SCHEDULED = "scheduled", "Scheduled"
    WEBHOOK = "webhook", "Webhook"
    API = "api", "API"


class SyncStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    PARTIAL = "partial", "Partial"
    FAILED = "failed", "Failed"


ACTIVE_SYNC_STATUSES = (SyncStatus.QUEUED, SyncStatus.RUNNING)


class ChangeStatus(models.TextChoices):
    APPLIED = "applied", "Applied"
    HELD = "held", "Held for review"
    REJECTED = "rejected", "Rejected"


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
