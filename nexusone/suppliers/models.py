from __future__ import annotations

import uuid

from auditlog.registry import auditlog
from django.db import models
from django.utils import timezone

from nexusone.core.fields import EncryptedTextField
from nexusone.core.tenancy import MerchantOwned

from .choices import WebhookState

TOKEN_FIELDS = ("access_token", "refresh_token", "access_token_expires_at", "refresh_token_expires_at")


class SupplierAccount(MerchantOwned):
    """A merchant's connection to a supplier; secrets are encrypted at rest."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    supplier = models.CharField(max_length=20, default="cj")
    api_key = EncryptedTextField(blank=True, default="")
    access_token = EncryptedTextField(blank=True, default="")
    refresh_token = EncryptedTextField(blank=True, default="")
    open_id = EncryptedTextField(blank=True, default="", help_text="CJ account id; also the webhook signing key.")
    access_token_expires_at = models.DateTimeField(null=True, blank=True)
    refresh_token_expires_at = models.DateTimeField(null=True, blank=True)
    qps = models.FloatField(null=True, blank=True, help_text="Requests per second; empty: CJ_QPS or CJ's level 1.")
    level = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="CJ account level 0-5; sets the default QPS when qps and CJ_QPS are empty."
    )
    best_monthly_sales_usd = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=0,
        help_text="Best monthly CJ sales of the last three months (USD): CJ adds 100 API points a day per USD.",
    )
    sandbox_orders = models.BooleanField(
        default=False, help_text="Place orders with isSandbox=1: CJ neither charges nor ships them."
    )
    connected_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["merchant", "supplier"], name="supplier_account_unique")]

    def __str__(self) -> str:
        return f"{self.supplier} account of {self.merchant_id}"

    def forget_tokens(self) -> list[str]:
        """Drop the access and refresh tokens (unsaved); returns the fields to save."""
        self.access_token = self.refresh_token = ""
        self.access_token_expires_at = self.refresh_token_expires_at = None
        return list(TOKEN_FIELDS)


class SupplierCallLog(MerchantOwned):
    """One HTTP call to a supplier: what was asked and how it went. Never tokens or keys; pruned after 7 days."""

    supplier = models.CharField(max_length=20, default="cj")
    account = models.ForeignKey(SupplierAccount, on_delete=models.CASCADE, related_name="call_logs")
    method = models.CharField(max_length=8)
    endpoint = models.CharField(max_length=200, help_text="Path relative to the API base, without the query.")
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    supplier_code = models.CharField(max_length=20, blank=True, default="", help_text="CJ's envelope `code`.")
    request_id = models.CharField(max_length=100, blank=True, default="")
    duration_ms = models.PositiveIntegerField(default=0)
    points = models.PositiveIntegerField(default=0, help_text="CJ API points this call costs.")
    ok = models.BooleanField(default=True)
    error = models.CharField(max_length=300, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["merchant", "-created_at"], name="supplier_calllog_recent")]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.method} {self.endpoint} → {self.http_status} {self.supplier_code}"


class WebhookMessage(models.Model):
    """The inbox: each supplier message once (unique on source + message id), processed by a task."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    source = models.CharField(max_length=20, default="cj")
    message_id = models.CharField(max_length=100)
    merchant = models.ForeignKey("accounts.Merchant", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    topic = models.CharField(max_length=30, blank=True, default="")
    action = models.CharField(max_length=30, blank=True, default="")
    payload = models.JSONField(default=dict, blank=True)
    raw_body = models.TextField(blank=True, default="")
    state = models.CharField(max_length=20, choices=WebhookState.choices, default=WebhookState.RECEIVED)
    note = models.TextField(blank=True, default="")
    attempts = models.PositiveIntegerField(default=0)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["source", "message_id"], name="webhook_unique_message")]
        indexes = [
            models.Index(fields=["state", "received_at"], name="webhook_inbox_state"),
            models.Index(fields=["merchant", "-received_at"], name="webhook_inbox_merchant_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.topic} {self.message_id}"


auditlog.register(SupplierAccount, exclude_fields=["api_key", "access_token", "refresh_token", "open_id"])
