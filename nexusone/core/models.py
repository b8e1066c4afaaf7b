from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """A business action: who did what to which object, for which merchant, from where."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    merchant = models.ForeignKey(  # led by the (merchant, ...) indexes below
        "accounts.Merchant", null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=100)
    target_type = models.CharField(max_length=100, blank=True, default="")
    target_id = models.CharField(max_length=100, blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["merchant", "-created_at"]), models.Index(fields=["merchant", "action"])]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}:{self.target_id}"


class LiveEvent(models.Model):
    """The live-event feed without Redis (the SQLite demo): pages' streams read the rows after their last id.

    Rows are kept for minutes only (pruned by the notifications sweep)."""

    id = models.BigAutoField(primary_key=True)
    merchant = models.ForeignKey("accounts.Merchant", on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(max_length=50)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["merchant", "id"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"
