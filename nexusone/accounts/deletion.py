"""Deleting a store: the owner types its name; sessions, tokens and the CJ connection go at once; the data
is erased after a grace period (GRACE_PERIOD) during which the owner can cancel."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from nexusone.core.audit import record_event

from .models import Membership, Merchant, User

logger = logging.getLogger(__name__)

GRACE_PERIOD = timedelta(days=30)


@transaction.atomic
def request_store_deletion(
    merchant: Merchant, *, confirmation: str, by: User, request: HttpRequest | None = None
) -> Merchant:
    """Schedule the erasure; sign everyone else out, revoke extension and API tokens, disconnect CJ."""
    if (confirmation or "").strip() != merchant.name:
        raise ValidationError({"confirmation": f"Type the store's name, {merchant.name}, exactly to confirm."})
    merchant = Merchant.objects.select_for_update().get(pk=merchant.pk)
    if merchant.deletion_scheduled_for is None:
        merchant.deletion_scheduled_for = timezone.now() + GRACE_PERIOD
        merchant.save(update_fields=["deletion_scheduled_for", "updated_at"])
    revoked = _revoke_access(merchant, keep_session=request.session.session_key if request else None)
    from nexusone.suppliers.actions import disconnect_account

    disconnect_account(merchant, by=by, request=request)
    record_event(
        "merchant.deletion_requested",
        merchant=merchant,
        actor=by,
        target=merchant,
        data={"erase_at": merchant.deletion_scheduled_for.isoformat(), **revoked},
        request=request,
    )
    return merchant


@transaction.atomic
def cancel_store_deletion(merchant: Merchant, *, by: User, request: HttpRequest | None = None) -> Merchant:
    """Keep the store (CJ stays disconnected until the owner reconnects it)."""
    merchant = Merchant.objects.select_for_update().get(pk=merchant.pk)
    if merchant.deletion_scheduled_for is not None:
        merchant.deletion_scheduled_for = None
        merchant.save(update_fields=["deletion_scheduled_for", "updated_at"])
        record_event("merchant.deletion_cancelled", merchant=merchant, actor=by, target=merchant, request=request)
    return merchant


def _revoke_access(merchant: Merchant, *, keep_session: str | None) -> dict[str, int]:
    from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

    from extension_auth.actions import revoke_sessions
    from extension_auth.models import ExtensionSession

    extension = revoke_sessions(
        merchant, ExtensionSession.objects.for_merchant(merchant), by=None, reason="store_deleted"
    )
    user_ids = set(Membership.objects.filter(merchant=merchant).values_list("user_id", flat=True))
    outstanding = OutstandingToken.objects.filter(user_id__in=user_ids, expires_at__gt=timezone.now())
    tokens = [BlacklistedToken(token=token) for token in outstanding.exclude(blacklistedtoken__isnull=False)]
    BlacklistedToken.objects.bulk_create(tokens, ignore_conflicts=True)
    sessions = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).exclude(session_key=keep_session or ""):
        if str(session.get_decoded().get("_auth_user_id", "")) in {str(pk) for pk in user_ids}:
            session.delete()
            sessions += 1
    return {"extension_sessions": extension, "api_tokens": len(tokens), "browser_sessions": sessions}


def erase_due_stores(*, now: timezone.datetime | None = None) -> int:
    """Erase every store whose grace period is over; returns how many. Each store in its own transaction."""
    now = now or timezone.now()
    erased = 0
    for merchant_id in Merchant.objects.filter(deletion_scheduled_for__lte=now).values_list("pk", flat=True):
        try:
            erase_store(merchant_id, now=now)
        except Exception:
            logger.exception("Erasing store %s failed; it is retried on the next run", merchant_id)
            continue
        erased += 1
    return erased


@transaction.atomic
def erase_store(merchant_id: object, *, now: timezone.datetime) -> None:
    merchant = Merchant.objects.select_for_update().filter(pk=merchant_id, deletion_scheduled_for__lte=now).first()
    if merchant is None:
        return  # cancelled meanwhile
    from auditlog.context import disable_auditlog
    from auditlog.models import LogEntry

    from .erasure import _delete_exports

    _delete_exports(merchant)
    owned = _store_models()
    for model in owned:  # the change log of the store's rows holds their old values
        pks = [str(pk) for pk in model._default_manager.filter(merchant=merchant).values_list("pk", flat=True)]
        if pks:
            LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), object_pk__in=pks).delete()
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Merchant), object_pk=str(merchant.pk)
    ).delete()
    apps.get_model("orders", "CommissionEntry").objects.filter(merchant=merchant).delete()  # protects its orders
    name = merchant.name
    with disable_auditlog():  # no change-log entries repeating what is being erased
        merchant.delete()  # every tenant row cascades from the merchant
    record_event("merchant.erased", data={"merchant_id": str(merchant_id), "name": name})


def _store_models() -> list:
    return [
        model
        for model in apps.get_models()
        if any(
            f.name == "merchant" and f.is_relation and f.related_model is Merchant for f in model._meta.concrete_fields
        )
    ]
