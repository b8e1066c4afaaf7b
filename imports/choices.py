from django.db import models


class ImportSource(models.TextChoices):
    URL = "url", "Product URLs"
    IDS = "ids", "Product IDs"
    EXTENSION = "extension", "Chrome extension"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    PARTIAL = "partial", "Partly imported"
    FAILED = "failed", "Failed"


FINISHED_JOB_STATUSES = frozenset({JobStatus.SUCCEEDED, JobStatus.PARTIAL, JobStatus.FAILED})


class ItemStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    IMPORTED = "imported", "Imported"
    DUPLICATE = "duplicate", "Already in your catalog"
    INVALID = "invalid", "Invalid"
    NOT_FOUND = "not_found", "Not found at CJ"
    PLAN_LIMIT = "plan_limit", "Over the plan's product limit"
    FAILED = "failed", "Failed"


class MarkupType(models.TextChoices):
    PERCENT = "percent", "Percent of cost"
    FIXED = "fixed", "Fixed amount"
    MULTIPLIER = "multiplier", "Multiplier"
