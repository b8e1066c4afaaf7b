from __future__ import annotations

import uuid

from auditlog.registry import auditlog
from django.db import models

from nexusone.core.fields import EncryptedTextField
from nexusone.core.tenancy import MerchantOwned


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
    connected_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["merchant", "supplier"], name="supplier_account_unique")]

    def __str__(self) -> str:
        return f"{self.supplier} account of {self.merchant_id}"


auditlog.register(SupplierAccount, exclude_fields=["api_key", "access_token", "refresh_token", "open_id"])
