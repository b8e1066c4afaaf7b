from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from nexusone.core.fields import EncryptedTextField
from nexusone.core.tenancy import MerchantOwned

from .choices import WILDCARD, DeliveryStatus, EventType, Level

__all__ = ["Event", "Level", "Notification", "NotificationPreferences", "WebhookDelivery", "WebhookEndpoint"]


class Event(MerchantOwned):
    """An announced event: written with the business change, routed to the channels after it commits.

    The row is the outbox of the dispatcher (a lost task is found again by the sweep) and the
    `id`/`created_at` a webhook receiver sees."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(max_length=100, choices=EventType.choices)
    data = models.JSONField(default=dict, blank=True)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, default="")
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.INFO)
    link = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["merchant", "-created_at"]),
            models.Index(fields=["created_at"], condition=Q(dispatched_at__isnull=True), name="event_undispatched"),
        ]

    def __str__(self) -> str:
        return f"{self.type}: {self.title}"


class Notification(MerchantOwned):
    """An in-app notice for a merchant's team (optionally for one user)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    event = models.CharField(max_length=100)
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.INFO)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, default="")
    link = models.CharField(max_length=500, blank=True, default="")
    data = models.JSONField(default=dict, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["merchant", "read_at", "-created_at"])]

    def __str__(self) -> str:
        return self.title


class NotificationPreferences(MerchantOwned):
    """Which channels each event reaches, and who gets the email and SMS. Unset events keep the defaults."""

    merchant = models.OneToOneField(
        "accounts.Merchant", on_delete=models.CASCADE, related_name="notification_preferences"
    )
    events = models.JSONField(default=dict, blank=True)  # {event: {channel: bool}}; only what differs is stored
    email_to = models.JSONField(default=list, blank=True)  # empty: the store's owners and managers
    sms_to = models.CharField(max_length=20, blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Notification preferences of {self.merchant_id}"


class WebhookEndpoint(MerchantOwned):
    """A merchant's URL that receives signed event deliveries."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    url = models.URLField(max_length=500)
    events = models.JSONField(default=list)  # event names, or ["*"] for every event
    active = models.BooleanField(default=True)
    secret = EncryptedTextField()
    description = models.CharField(max_length=200, blank=True, default="")
    failing_since = models.DateTimeField(null=True, blank=True)  # the first failure since the last success
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["merchant", "-created_at"])]

    def __str__(self) -> str:
        return self.url

    def wants(self, event_type: str) -> bool:
        return WILDCARD in self.events or event_type in self.events


class WebhookDelivery(MerchantOwned):
    """One event for one endpoint: the same id (`NexusOne-Delivery`) and body on every attempt."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    event_type = models.CharField(max_length=100)
    body = models.TextField()  # the exact JSON sent (and signed)
    status = models.CharField(max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    response_body = models.TextField(blank=True, default="")
    last_error = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["merchant", "endpoint", "-created_at"]),
            models.Index(fields=["next_attempt_at"], condition=Q(status=DeliveryStatus.PENDING), name="delivery_due"),
        ]
        constraints = [models.UniqueConstraint(fields=["endpoint", "event"], name="one_delivery_per_endpoint_event")]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint_id}"
