from __future__ import annotations

import uuid
from decimal import Decimal
from functools import cache
from zoneinfo import available_timezones as _zoneinfo_names

from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from nexusone.core.tenancy import MerchantOwned

from .choices import Plan, Role
from .plans import PlanCapabilities, capabilities


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("email: an email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who logs in with an email address."""

    username = None
    email = models.EmailField("email address", unique=True)
    email_verified_at = models.DateTimeField(
        null=True, blank=True, help_text="When the person opened the verification (or invitation) link we emailed."
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    def __str__(self) -> str:
        return self.email

    def save(self, *args: object, **kwargs: object) -> None:
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None


_RATE = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))]


@cache
def available_timezones() -> frozenset[str]:
    return frozenset(_zoneinfo_names())


def validate_timezone(name: str) -> None:
    """An IANA time zone name such as Europe/Paris."""
    if name not in available_timezones():
        raise ValidationError(f"{name!r} is not a time zone; use a name such as Europe/Paris or America/New_York.")


class Merchant(models.Model):
    """The tenant: a store run by one or more users."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    plan = models.CharField(max_length=20, choices=Plan.choices, default=Plan.FREE)
    client_commission_rate = models.DecimalField(
        max_digits=5, decimal_places=4, default=Decimal("0.30"), validators=_RATE
    )
    platform_commission_rate = models.DecimalField(
        max_digits=5, decimal_places=4, default=Decimal("0.70"), validators=_RATE
    )
    deletion_scheduled_for = models.DateTimeField(
        null=True, blank=True, help_text="The owner asked to delete the store: its data is erased at this time."
    )
    timezone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text="The store's time zone: analytics days and periods follow it.",
    )
    currency = models.CharField(max_length=3, default="USD", help_text="The currency the store sells and reports in.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(client_commission_rate__gte=0, platform_commission_rate__gte=0),
                name="merchant_commission_rates_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def capabilities(self) -> PlanCapabilities:
        return capabilities(self.plan)


class Membership(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Both columns lead an index below (user, created_at) and the unique (merchant, user).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", db_index=False
    )
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="memberships", db_index=False)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["merchant", "user"], name="membership_unique_user")]
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"{self.user} @ {self.merchant} ({self.role})"

    @property
    def can_write(self) -> bool:
        return self.role in (Role.OWNER, Role.MANAGER)

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER


auditlog.register(Merchant)
auditlog.register(Membership)


class BillingAccount(models.Model):
    """A merchant's customer and subscription at the billing provider (Stripe); none for manual billing."""

    merchant = models.OneToOneField(Merchant, on_delete=models.CASCADE, related_name="billing", primary_key=True)
    provider = models.CharField(max_length=20, default="stripe")
    customer_id = models.CharField(max_length=100, blank=True, default="", db_index=True)
    subscription_id = models.CharField(max_length=100, blank=True, default="", db_index=True)
    subscription_status = models.CharField(max_length=30, blank=True, default="")
    last_event_at = models.DateTimeField(
        null=True, blank=True, help_text="Creation time of the newest subscription event applied; older ones are stale."
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.provider} billing of {self.merchant_id}"


class BillingEvent(models.Model):
    """Each provider webhook event once: the unique event id makes replays no-ops."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    provider = models.CharField(max_length=20, default="stripe")
    event_id = models.CharField(max_length=100)
    type = models.CharField(max_length=100)
    merchant = models.ForeignKey(Merchant, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    outcome = models.CharField(max_length=200, blank=True, default="")
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="billing_event_unique")]

    def __str__(self) -> str:
        return f"{self.provider} {self.type} {self.event_id}"


class Invitation(MerchantOwned):
    """An emailed invitation to join a store with a role; the signed link carries `nonce`, so resending
    (a new nonce) or revoking turns earlier links off."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.VIEWER)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    nonce = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["merchant", "-created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "email"],
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.merchant_id} ({self.role})"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None


auditlog.register(Invitation, exclude_fields=["nonce"])


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Ready"
    FAILED = "failed", "Failed"


class DataExport(MerchantOwned):
    """A zip of the store's data, built by a task; downloadable by an owner for 24 hours, then deleted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=20, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent of the resources written.")
    file_name = models.CharField(max_length=200, blank=True, default="", help_text="Inside the private export storage.")
    size = models.PositiveBigIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True, help_text="Rows written per resource.")
    error = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["merchant", "-created_at"]), models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"export {self.pk} ({self.status})"
