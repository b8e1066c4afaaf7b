"""Invitations: an owner invites an email address to a role; the signed link creates or joins the account."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from nexusone.core import tenancy
from nexusone.core.audit import record_event

from .actions import _clean_email
from .choices import Role
from .models import Invitation, Membership, Merchant, User

SALT = "nexusone.accounts.invitation"
LINK_LIFETIME = timedelta(days=7)


class InvitationInvalid(ValidationError):
    """The link is expired, altered, withdrawn, replaced by a newer one, or used already."""


def invitation_link(invitation: Invitation) -> str:
    token = signing.dumps(
        {"i": str(invitation.pk), "m": str(invitation.merchant_id), "n": invitation.nonce}, salt=SALT, compress=True
    )
    return settings.SITE_URL.rstrip("/") + reverse("accounts:invitation", args=[token])


@transaction.atomic
def invite_member(
    merchant: Merchant, *, email: str, role: str, by: User, request: HttpRequest | None = None
) -> Invitation:
    """Email an invitation; inviting the same address again updates the role and sends a fresh link."""
    email = _clean_email(email)
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role {role!r}; choose owner, manager or viewer."})
    if Membership.objects.filter(merchant=merchant, user__email=email).exists():
        raise ValidationError({"email": f"{email} is already a member of this store; change their role instead."})
    invitation = Invitation.objects.select_for_update().filter(
        merchant=merchant, email=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).first() or Invitation(merchant=merchant, email=email, invited_by=by)
    invitation.role = role
    _send(invitation)
    record_event(
        "invitation.sent",
        merchant=merchant,
        actor=by,
        target=invitation,
        data={"email": email, "role": role},
        request=request,
    )
    return invitation


@transaction.atomic
def resend_invitation(invitation: Invitation, *, by: User, request: HttpRequest | None = None) -> Invitation:
    """A new link (earlier links stop working) in a new email."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_open:
        raise ValidationError("This invitation was accepted or withdrawn already; send a new one instead.")
    _send(invitation)
    record_event("invitation.resent", merchant=invitation.merchant, actor=by, target=invitation, request=request)
    return invitation


@transaction.atomic
def revoke_invitation(invitation: Invitation, *, by: User, request: HttpRequest | None = None) -> bool:
    """Withdraw an open invitation; its link stops working. False if it was no longer open."""
    changed = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if changed:
        record_event(
            "invitation.revoked",
            merchant=invitation.merchant,
            actor=by,
            target=invitation,
            data={"email": invitation.email},
            request=request,
        )
    return bool(changed)


def _send(invitation: Invitation) -> None:
    from nexusone.notifications.actions import send_email

    invitation.nonce = secrets.token_hex(16)
    invitation.sent_at = timezone.now()
    invitation.save()
    context = {
        "invitation": invitation,
        "merchant": invitation.merchant,
        "inviter": invitation.invited_by.email if invitation.invited_by else "The store's owner",
        "link": invitation_link(invitation),
        "days": LINK_LIFETIME.days,
    }
    subject = f"You are invited to {invitation.merchant.name} on NexusOne"
    transaction.on_commit(
        lambda: send_email([invitation.email], subject, "", template="accounts/email/invitation", context=context)
    )


def open_invitation(token: str, *, lock: bool = False) -> Invitation:
    """The open invitation a link names, or InvitationInvalid saying why not and what to do."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=LINK_LIFETIME)
    except signing.SignatureExpired as exc:
        raise InvitationInvalid(
            "This invitation has expired. Ask the store's owner to resend it.", code="expired"
        ) from exc
    except signing.BadSignature as exc:
        raise InvitationInvalid("This invitation link is not valid; copy the whole link from the email.") from exc
    tenancy.set_current_merchant_id(payload.get("m"))  # a signed link: the request acts for its store
    invitations = Invitation.objects.select_related("merchant")
    if lock:
        invitations = invitations.select_for_update(of=("self",))
    invitation = invitations.filter(pk=payload.get("i"), merchant_id=payload.get("m")).first()
    if invitation is None:
        raise InvitationInvalid("This invitation does not exist (any more).", code="not_found")
    if invitation.accepted_at is not None:
        raise InvitationInvalid("This invitation was used already. Log in to reach the store.", code="used")
    if invitation.revoked_at is not None:
        raise InvitationInvalid("This invitation was withdrawn by the store's owner.", code="revoked")
    if payload.get("n") != invitation.nonce:
        raise InvitationInvalid(
            "A newer invitation was sent for this address; open the link in the latest email.", code="replaced"
        )
    return invitation


@transaction.atomic
def accept_invitation(
    token: str, *, user: User | None, password: str = "", request: HttpRequest | None = None
) -> Membership:
    """Join the store: as the signed-in `user` (whose email must match), or as a new account with `password`."""
    invitation = open_invitation(token, lock=True)
    if user is not None and user.is_authenticated:
        if user.email != invitation.email:
            raise ValidationError(
                f"This invitation is for {invitation.email}, but you are signed in as {user.email}. "
                "Log out and open the link again."
            )
    elif User.objects.filter(email=invitation.email).exists():
        raise ValidationError(f"{invitation.email} has an account already: log in, then open the link again.")
    else:
        try:
            validate_password(password, User(email=invitation.email))
        except ValidationError as exc:
            raise ValidationError({"password": exc.messages}) from exc
        user = User.objects.create_user(email=invitation.email, password=password)
    if user.email_verified_at is None:  # the link reached this mailbox
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    membership, created = Membership.objects.get_or_create(
        user=user, merchant=invitation.merchant, defaults={"role": invitation.role}
    )
    invitation.accepted_at, invitation.accepted_by = timezone.now(), user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    record_event(
        "invitation.accepted",
        merchant=invitation.merchant,
        actor=user,
        target=membership,
        data={"email": user.email, "role": membership.role, "joined": created},
        request=request,
    )
    return membership
