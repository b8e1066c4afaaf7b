"""States of what suppliers send us."""

from django.db import models


class WebhookState(models.TextChoices):
    RECEIVED = "received", "Received"
    PROCESSING = "processing", "Claimed by a worker"
    PROCESSED = "processed", "Processed"
    IGNORED = "ignored", "Ignored"
    FAILED = "failed", "Failed"
