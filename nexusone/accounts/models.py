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

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    def __str__(self) -> str:
        return self.email

    def save(self, *args: object, **kwargs: object) -> None:
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)


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
