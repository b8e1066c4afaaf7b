from __future__ import annotations

import uuid

from auditlog.registry import auditlog
from django.conf import settings
from django.db import models
from django.utils import timezone

from nexusone.core.tenancy import MerchantOwned, MerchantQuerySet


class ExtensionSessionQuerySet(MerchantQuerySet):
    def active(self) -> ExtensionSessionQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ExtensionSession(MerchantOwned):
    """A Chrome extension pairing: its token is a JWT bound to this row; revoking the row kills the token."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="extension_sessions")
    name = models.CharField(max_length=100, default="Chrome extension")
    permissions = models.JSONField(default=list)
    token_id = models.CharField(max_length=64, unique=True, help_text="The token's jti claim.")
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_ip = models.GenericIPAddressField(null=True, blank=True)
    last_user_agent = models.CharField(max_length=300, blank=True, default="")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_reason = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ExtensionSessionQuerySet.as_manager()

    # Read by nexusone.core.api: a request authenticated by this session acts for `merchant`.
    is_extension_session = True

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["merchant", "-created_at"]),
            models.Index(fields=["user", "revoked_at", "expires_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.user_id})"

    @property
    def active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    def has_permission(self, permission: str) -> bool:
        return permission in self.permissions


auditlog.register(ExtensionSession, exclude_fields=["last_used_at", "last_ip", "last_user_agent"])
