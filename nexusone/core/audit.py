"""One helper to record business actions as AuditEvent rows."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from .models import AuditEvent


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record_event(
    action: str,
    *,
    merchant: Any = None,
    actor: Any = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    event = audit_event(action, merchant=merchant, actor=actor, target=target, data=data, request=request)
    event.save(force_insert=True)
    return event


def audit_event(
    action: str,
    *,
    merchant: Any = None,
    actor: Any = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """The AuditEvent record_event writes, unsaved (for a caller that inserts it with other rows)."""
    if request is not None and actor is None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    return AuditEvent(
        action=action,
        merchant=merchant,
        actor=actor,
        target_type=target._meta.label if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
        ip_address=client_ip(request),
    )
