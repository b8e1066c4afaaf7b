"""Stripe's subscription webhooks: verified with Stripe's signature scheme, each event applied once."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import stripe
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from nexusone.core import tenancy

from ..choices import Plan
from ..models import BillingAccount, BillingEvent, Merchant
from .stripe_billing import plan_for_price

logger = logging.getLogger(__name__)

ENDED_STATUSES = frozenset({"unpaid", "canceled", "incomplete_expired"})
PAID_STATUSES = frozenset({"active", "trialing"})
TOLERANCE_SECONDS = stripe.Webhook.DEFAULT_TOLERANCE  # 5 minutes: an older signed event is a replay


class InvalidStripeSignature(ValidationError):
    pass


def verify_stripe_payload(payload: bytes, signature_header: str) -> dict[str, Any]:
    """The event as a dict, or InvalidStripeSignature (bad or stale signature, or not JSON)."""
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise InvalidStripeSignature("STRIPE_WEBHOOK_SECRET is not set; the event cannot be verified.")
    try:
        stripe.WebhookSignature.verify_header(
            payload.decode("utf-8"), signature_header, settings.STRIPE_WEBHOOK_SECRET, tolerance=TOLERANCE_SECONDS
        )
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as exc:
        raise InvalidStripeSignature(f"The Stripe-Signature header does not match the body: {exc}") from exc
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        raise InvalidStripeSignature("The body is not a Stripe event.")
    return event


def apply_stripe_webhook(payload: bytes, signature_header: str) -> bool:
    """Verify and apply one event; False when it was applied before (a replay)."""
    event = verify_stripe_payload(payload, signature_header)
    # A verified event names its store only inside (metadata, customer): found and applied across stores.
    with tenancy.bypass(f"Stripe webhook {event['type']} {event['id']}"):
        return apply_stripe_event(event)


def apply_stripe_event(event: dict[str, Any]) -> bool:
    obj = event.get("data", {}).get("object", {})
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = BillingEvent.objects.create(provider="stripe", event_id=event["id"], type=event["type"])
        except IntegrityError:
            return False  # applied already (a replay waits here until the first delivery commits)
        handler = HANDLERS.get(event["type"])
        record.merchant = _merchant_for(obj)
        record.outcome = handler(record.merchant, obj, event) if handler and record.merchant else "ignored"
        record.save(update_fields=["merchant", "outcome"])
    logger.info("Stripe %s %s: %s", event["type"], event["id"], record.outcome)
    return True


def _merchant_for(obj: dict[str, Any]) -> Merchant | None:
    """From our metadata, the Checkout reference, or the Stripe customer we recorded."""
    metadata = obj.get("metadata") or {}
    for candidate in (metadata.get("merchant_id"), obj.get("client_reference_id")):
        try:
            merchant_id = uuid.UUID(str(candidate))
        except ValueError:
            continue
        merchant = Merchant.objects.select_for_update().filter(pk=merchant_id).first()
        if merchant is not None:
            return merchant
    customer = obj.get("customer")
    billing = BillingAccount.objects.filter(customer_id=customer).first() if customer else None
    return Merchant.objects.select_for_update().get(pk=billing.merchant_id) if billing else None


def _billing(merchant: Merchant) -> BillingAccount:
    billing, _ = BillingAccount.objects.select_for_update().get_or_create(merchant=merchant)
    return billing


def _checkout_completed(merchant: Merchant, session: dict[str, Any], event: dict[str, Any]) -> str:
    billing = _billing(merchant)
    billing.customer_id = session.get("customer") or billing.customer_id
    billing.subscription_id = session.get("subscription") or billing.subscription_id
    if session.get("payment_status") not in ("paid", "no_payment_required"):
        billing.save()
        return "checkout completed, payment pending"
    billing.subscription_status = billing.subscription_status or "active"
    billing.save()
    plan = (session.get("metadata") or {}).get("plan", "")
    if plan in (Plan.PRO, Plan.PREMIUM):
        _change_plan(merchant, plan)
    return f"subscribed to {plan}"


def _subscription_changed(merchant: Merchant, subscription: dict[str, Any], event: dict[str, Any]) -> str:
    billing = _billing(merchant)
    created = datetime.fromtimestamp(event.get("created", 0), tz=UTC)
    if billing.last_event_at and created < billing.last_event_at:
        return "stale: a newer subscription event was applied"
    if billing.subscription_id and subscription["id"] != billing.subscription_id and event["type"].endswith("deleted"):
        return "an earlier subscription ended; the current one stays"
    status = "canceled" if event["type"] == "customer.subscription.deleted" else subscription.get("status", "")
    billing.customer_id = subscription.get("customer") or billing.customer_id
    billing.subscription_id, billing.subscription_status, billing.last_event_at = subscription["id"], status, created
    billing.save()
    if status in PAID_STATUSES:
        plan = _plan_of(subscription)
        if plan:
            _change_plan(merchant, plan)
        return f"subscription {status} on {plan or 'an unknown price'}"
    if status in ENDED_STATUSES and merchant.plan != Plan.FREE:
        old = merchant.plan
        _change_plan(merchant, Plan.FREE)
        _notify_moved_to_free(merchant, old, status)
        return f"subscription {status}: moved to Free"
    return f"subscription {status}"


def _payment_failed(merchant: Merchant, invoice: dict[str, Any], event: dict[str, Any]) -> str:
    from nexusone.notifications.actions import emit
    from nexusone.notifications.models import Level

    retry = invoice.get("next_payment_attempt")
    when = f" Stripe tries again on {datetime.fromtimestamp(retry, tz=UTC):%d %b %Y}." if retry else ""
    emit(
        merchant,
        "billing.payment_failed",
        {"retry_at": retry},
        title=f"Payment for your {merchant.get_plan_display()} plan failed",
        body=(
            f"Your card was declined.{when} Update your payment details in Settings → Plan → Manage billing; "
            "if the payment keeps failing, the store moves to the Free plan (nothing is deleted)."
        ),
        level=Level.WARNING,
        link="/accounts/settings/plan/",
    )
    return "payment failed: notice sent"


def _notify_moved_to_free(merchant: Merchant, old_plan: str, status: str) -> None:
    from nexusone.notifications.actions import emit
    from nexusone.notifications.models import Level

    emit(
        merchant,
        "billing.plan_ended",
        {"status": status, "from": old_plan},
        title=f"Your {Plan(old_plan).label} subscription ended; the store is on the Free plan",
        body=(
            "Stripe could not collect the payment (or the subscription was cancelled). Nothing was deleted; "
            "imports above the Free limit are paused. Subscribe again in Settings → Plan."
        ),
        level=Level.ERROR,
        link="/accounts/settings/plan/",
    )


def _plan_of(subscription: dict[str, Any]) -> str | None:
    items = (subscription.get("items") or {}).get("data") or []
    price = ((items[0].get("price") or {}).get("id") if items else "") or ""
    return plan_for_price(price) or (subscription.get("metadata") or {}).get("plan") or None


def _change_plan(merchant: Merchant, plan: str) -> None:
    from ..actions import change_plan

    if plan in Plan.values:
        change_plan(merchant, plan, by=None, source="stripe")


HANDLERS: dict[str, Callable[[Merchant, dict[str, Any], dict[str, Any]], str]] = {
    "checkout.session.completed": _checkout_completed,
    "customer.subscription.created": _subscription_changed,
    "customer.subscription.updated": _subscription_changed,
    "customer.subscription.deleted": _subscription_changed,
    "invoice.payment_failed": _payment_failed,
}
