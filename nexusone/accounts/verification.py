"""Email verification after sign-up: a signed, expiring link; a store without a verified owner can look
around but not connect CJ or import until the owner opens it."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from nexusone.core.audit import record_event

from .choices import Role
from .models import Membership, Merchant, User

SALT = "nexusone.accounts.verify-email"
LINK_LIFETIME = timedelta(days=3)


class VerificationLinkInvalid(ValidationError):
    """The link is expired, altered, or for an address the account no longer has."""


class EmailNotVerified(ValidationError):
    def __init__(self, email: str) -> None:
        super().__init__(
            f"Confirm your email address first: open the link we sent to {email}. "
            "No email? Resend it from the banner at the top of the page (check your spam folder too).",
            code="email_unverified",
        )


def verification_link(user: User) -> str:
    token = signing.dumps({"u": user.pk, "e": user.email}, salt=SALT, compress=True)
    return settings.SITE_URL.rstrip("/") + reverse("accounts:verify_email", args=[token])


def send_verification_email(user: User) -> None:
    from nexusone.notifications.actions import send_email

    hours = int(LINK_LIFETIME.total_seconds() // 3600)
    send_email(
        [user.email],
        "Confirm your email address for NexusOne",
        "",
        template="accounts/email/verify_email",
        context={"user": user, "link": verification_link(user), "hours": hours},
    )


def verify_email(token: str) -> User:
    """Mark the address verified; opening the same link again is harmless."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=LINK_LIFETIME)
    except signing.SignatureExpired as exc:
        raise VerificationLinkInvalid(
            "This confirmation link has expired. Log in and use “Resend the email” to get a new one.",
            code="expired",
        ) from exc
    except signing.BadSignature as exc:
        raise VerificationLinkInvalid(
            "This confirmation link is not valid; copy the whole link from the email."
        ) from exc
    user = User.objects.filter(pk=payload.get("u"), email=payload.get("e")).first()
    if user is None:
        raise VerificationLinkInvalid("This link is for an email address no account has any more.", code="stale")
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
        record_event("user.email_verified", actor=user, target=user, data={"email": user.email})
    return user


def require_verified_owner(merchant: Merchant) -> None:
    """Raise EmailNotVerified unless one of the store's owners has confirmed their email address."""
    owners = Membership.objects.filter(merchant=merchant, role=Role.OWNER).select_related("user")
    emails = [m.user.email for m in owners if m.user.email_verified_at is None]
    if emails and len(emails) == len(owners):
        raise EmailNotVerified(emails[0])
