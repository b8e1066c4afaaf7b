from __future__ import annotations

import uuid

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models

from nexusone.core.tenancy import MerchantOwned

from .choices import FINISHED_JOB_STATUSES, ImportSource, ItemStatus, JobStatus


class ImportJob(MerchantOwned):
    """One import request (the import log): what was asked, by whom, and how each item ended."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    source = models.CharField(max_length=20, choices=ImportSource.choices)
    supplier = models.CharField(max_length=20, default="cj")
    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    markup = models.JSONField(default=dict, blank=True, help_text="Empty: the merchant's default markup.")
    category_name = models.CharField(max_length=200, blank=True, default="")
    tag_names = models.JSONField(default=list, blank=True)
    requested = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    invalid = models.PositiveIntegerField(default=0)
    not_found = models.PositiveIntegerField(default=0)
    plan_limit = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    api_calls = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    extension_session = models.ForeignKey(
        "extension_auth.ExtensionSession",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_jobs",
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["merchant", "-created_at"]), models.Index(fields=["merchant", "status"])]

    def __str__(self) -> str:
        return f"Import {self.pk} ({self.status})"

    @property
    def processed(self) -> int:
        return self.imported + self.duplicates + self.invalid + self.not_found + self.plan_limit + self.failed

    @property
    def progress_percent(self) -> int:
        if not self.requested:
            return 100
        return min(100, round(100 * self.processed / self.requested))

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_JOB_STATUSES


class ImportItem(MerchantOwned):
    """One requested product: the raw input, the PID parsed from it, and how it ended."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    input = models.TextField()
    pid = models.CharField(max_length=64, blank=True, default="", help_text="The CJ product id.")
    status = models.CharField(max_length=20, choices=ItemStatus.choices, default=ItemStatus.QUEUED)
    product = models.ForeignKey(
        "inventory.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="import_items"
    )
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["job", "position"]
        indexes = [models.Index(fields=["merchant", "status", "pid"])]

    def __str__(self) -> str:
        return f"{self.input} → {self.status}"


auditlog.register(ImportJob, exclude_fields=["updated_at", "api_calls"])
