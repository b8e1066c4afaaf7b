"""Extension sessions: create (premium only, ≤ 10 active per user), authenticate, touch, revoke."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from nexusone.accounts.models import Membership, Merchant, User
from nexusone.accounts.plans import capabilities, require_feature
from nexusone.core.audit import record_event
from nexusone.core.exceptions import Conflict

from . import tokens
from .choices import (
    DEFAULT_PERMISSIONS,
    DEFAULT_TTL_HOURS,
    LAST_USED_RESOLUTION_SECONDS,
    MAX_ACTIVE_SESSIONS_PER_USER,
    MAX_TTL_HOURS,
    MIN_TTL_HOURS,
    ExtensionPermission,
)
from .models import ExtensionSession

if TYPE_CHECKING:
    from django.http import HttpRequest


class TooManySessions(Conflict):
    default_code = "too_many_sessions"
    default_detail = f"You already have {MAX_ACTIVE_SESSIONS_PER_USER} active extension sessions; revoke one first."


def clean_permissions(permissions: Iterable[str] | None, *, can_write: bool) -> list[str]:
    if permissions is None:
        wanted = list(DEFAULT_PERMISSIONS) if can_write else [ExtensionPermission.PRODUCTS_READ.value]
    else:
        wanted = []
        for permission in permissions:
            if permission not in ExtensionPermission.values:
                raise ValidationError(
                    {"permissions": f"Unknown permission {permission!r}; use {', '.join(ExtensionPermission.values)}."}
                )
            if permission not in wanted:
                wanted.append(permission)
    if not wanted:
        raise ValidationError({"permissions": "Choose at least one permission."})
    if ExtensionPermission.IMPORT in wanted and not can_write:
        raise ValidationError({"permissions": "Viewers cannot give the extension the import permission."})
    return wanted


def create_session(
    user: User,
    merchant: Merchant,
    *,
    name: str = "",
    permissions: Iterable[str] | None = None,
    ttl_hours: int | None = None,
    request: HttpRequest | None = None,
) -> tuple[ExtensionSession, str]:
    """A new session and its token (returned once, never stored)."""
    require_feature(merchant.plan, "chrome_extension")
    membership = Membership.objects.filter(user=user, merchant=merchant).first()
    if membership is None:
        raise ValidationError("You are not a member of this merchant.")
    name = (name or "").strip() or "Chrome extension"
    if len(name) > 100:
        raise ValidationError({"name": "A session name has at most 100 characters."})
    ttl_hours = DEFAULT_TTL_HOURS if ttl_hours is None else ttl_hours
    if isinstance(ttl_hours, bool) or not isinstance(ttl_hours, int) or not MIN_TTL_HOURS <= ttl_hours <= MAX_TTL_HOURS:
        raise ValidationError({"ttl_hours": f"Choose between {MIN_TTL_HOURS} and {MAX_TTL_HOURS} hours."})
    wanted = clean_permissions(permissions, can_write=membership.can_write)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).exists()  # one creation at a time per user
        if ExtensionSession.objects.filter(user=user).active().count() >= MAX_ACTIVE_SESSIONS_PER_USER:
            raise TooManySessions()
        now = timezone.now()
        session = ExtensionSession.objects.create(
            merchant=merchant,
            user=user,
            name=name,
            created_at=now,
            permissions=wanted,
            token_id=secrets.token_urlsafe(24),
            expires_at=now + timedelta(hours=ttl_hours),
        )

        record_event(
            "extension.session_created",
            merchant=merchant,
            actor=user,
            target=session,
            data={"permissions": wanted, "ttl_hours": ttl_hours},
            request=request,
        )
    return session, tokens.encode_token(session)


def find_session(claims: dict) -> ExtensionSession | None:
    """The session a verified token names, with its user, merchant and the user's current role there."""
    from django.db.models import OuterRef, Subquery

    role = Membership.objects.filter(user=OuterRef("user_id"), merchant=OuterRef("merchant_id")).values("role")[:1]
    return (
        ExtensionSession.objects.select_related("user", "merchant")
        .annotate(member_role=Subquery(role))
        .filter(pk=claims["sid"], token_id=claims["jti"], merchant_id=claims["mid"])
        .first()
    )


def session_problem(session: ExtensionSession | None) -> str:
    """Why this session may not be used now ("" when it may)."""
    if session is None:
        return "This extension session does not exist."
    if session.revoked_at is not None:
        return "This extension session was revoked; pair the extension again."
    if session.expires_at <= timezone.now():
        return "This extension session has expired; pair the extension again."
    if not session.user.is_active or getattr(session, "member_role", None) is None:
        return "The user of this extension session no longer has access to the store."
    return ""


def plan_allows_extension(merchant: Merchant) -> bool:
    return capabilities(merchant.plan).chrome_extension


def touch_session(session: ExtensionSession, *, ip: str | None, user_agent: str) -> None:
    """Record use at most once a minute (one conditional UPDATE, skipped inside the minute)."""
    now = timezone.now()
    threshold = now - timedelta(seconds=LAST_USED_RESOLUTION_SECONDS)
    if session.last_used_at is not None and session.last_used_at > threshold:
        return
    ExtensionSession.objects.filter(pk=session.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=threshold)
    ).update(last_used_at=now, last_ip=ip or None, last_user_agent=(user_agent or "")[:300])
    session.last_used_at, session.last_ip, session.last_user_agent = now, ip, (user_agent or "")[:300]


def revoke_session(session: ExtensionSession, *, by: User | None, reason: str = "revoked") -> bool:
    """Revoke one session; its token fails on the very next request. False if it was already revoked."""
    changed = ExtensionSession.objects.filter(pk=session.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=by, revoked_reason=reason
    )
    if changed:
        session.refresh_from_db(fields=["revoked_at", "revoked_by", "revoked_reason"])
        record_event("extension.session_revoked", merchant=session.merchant, actor=by, target=session)
    return bool(changed)


def revoke_sessions(
    merchant: Merchant,
    sessions: QuerySet[ExtensionSession],
    *,
    by: User | None,
    reason: str = "revoked",
    **details: str,
) -> int:
    """Revoke every still-active session of a queryset in one statement; one audit event says how many."""
    count = sessions.filter(revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=by, revoked_reason=reason
    )
    if count:
        record_event(
            "extension.sessions_revoked",
            merchant=merchant,
            actor=by,
            data={"count": count, "reason": reason, **details},
        )
    return count


def revoke_own_sessions(user: User, merchant: Merchant) -> int:
    """A member's "revoke all": every extension session they opened in this store stops working now."""
    return revoke_sessions(merchant, ExtensionSession.objects.for_merchant(merchant).filter(user=user), by=user)


def revoke_sessions_when_plan_loses_extension(merchant: Merchant, old_plan: str, new_plan: str) -> None:
    """PLAN_CHANGE_HOOKS entry: leaving premium revokes every session of the merchant."""
    if capabilities(new_plan).chrome_extension:
        return
    revoke_sessions(
        merchant, ExtensionSession.objects.for_merchant(merchant), by=None, reason="plan_changed", plan=new_plan
    )


def visible_sessions(user: User, merchant: Merchant, *, is_owner: bool):
    """Sessions a member may see and revoke: their own; an owner sees the whole merchant's."""
    sessions = ExtensionSession.objects.for_merchant(merchant).select_related("user")
    return sessions if is_owner else sessions.filter(user=user)
