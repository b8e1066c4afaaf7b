"""Outgoing webhooks: merchant endpoints, signed deliveries, retries with backoff, the failing-endpoint rule.

A delivery is one event for one endpoint. Its id (`NexusOne-Delivery`) and body stay the same on every
attempt, so a receiver can deduplicate; each attempt is signed anew (`NexusOne-Signature: t=…,v1=…`,
HMAC-SHA256 of "<t>.<raw body>" keyed by the endpoint's secret). A 2xx within 10 s is success; anything
else is retried after 1, 4, 16, 64, 256 and 1024 minutes (±20% jitter): seven attempts over about a day.
An endpoint that has failed without a single success for three days is disabled, and the team is told.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import random
import secrets
import time
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import requests
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from nexusone.core.exceptions import Conflict

from .choices import WILDCARD, DeliveryStatus, EventType, Level
from .models import Event, WebhookDelivery, WebhookEndpoint
from .urlguard import UnsafeWebhookUrl, check_webhook_url

if TYPE_CHECKING:
    from datetime import datetime

    from nexusone.accounts.models import Merchant

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 7  # the first try and six retries
FIRST_RETRY_SECONDS = 60
BACKOFF_FACTOR = 4
JITTER = 0.2
TIMEOUT_SECONDS = 10
LEASE = timedelta(seconds=60)  # an attempt in flight is not picked again by the sweep meanwhile
DISABLE_AFTER = timedelta(days=3)
MAX_ENDPOINTS = 20
RESPONSE_KEPT = 1000
USER_AGENT = "NexusOne-Webhooks/1.0"

_random = random.SystemRandom()


# --- signing and the schedule --------------------------------------------------------------------------------


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The `NexusOne-Signature` header value for `body` sent at `timestamp` (unix seconds)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def retry_delay(attempts: int, jitter: float | None = None) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt; `jitter` in [-1, 1] (random when None)."""
    jitter = _random.uniform(-1, 1) if jitter is None else jitter
    return timedelta(seconds=FIRST_RETRY_SECONDS * BACKOFF_FACTOR ** (attempts - 1) * (1 + JITTER * jitter))


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


# --- endpoints -----------------------------------------------------------------------------------------------


def _validate_events(events: Any) -> list[str]:
    if not isinstance(events, list) or not events:
        raise ValidationError({"events": 'List the event names, or ["*"] for every event.'})
    unknown = [e for e in events if e != WILDCARD and e not in EventType.values]
    if unknown:
        raise ValidationError({"events": f"Unknown event(s): {', '.join(map(str, unknown))}."})
    return [WILDCARD] if WILDCARD in events else sorted(set(events))


def _validate_url(url: str) -> str:
    try:
        check_webhook_url(url)
    except UnsafeWebhookUrl as exc:
        raise ValidationError({"url": str(exc)}) from exc
    return url


def create_endpoint(
    merchant: Merchant, *, url: str, events: list[str], active: bool = True, description: str = ""
) -> WebhookEndpoint:
    """A new endpoint with a fresh secret (the caller shows it once)."""
    events = _validate_events(events)
    _validate_url(url)
    with transaction.atomic():
        if WebhookEndpoint.objects.for_merchant(merchant).select_for_update().count() >= MAX_ENDPOINTS:
            raise ValidationError({"url": f"A store may have at most {MAX_ENDPOINTS} webhook endpoints."})
        return WebhookEndpoint.objects.create(
            merchant=merchant, url=url, events=events, active=active, description=description, secret=new_secret()
        )


def update_endpoint(endpoint: WebhookEndpoint, **changes: Any) -> WebhookEndpoint:
    """Change url, events, active or description; turning an endpoint back on clears its failure streak."""
    if "events" in changes:
        changes["events"] = _validate_events(changes["events"])
    if "url" in changes:
        _validate_url(changes["url"])
    for name, value in changes.items():
        setattr(endpoint, name, value)
    if changes.get("active"):
        endpoint.failing_since = endpoint.disabled_at = None
        endpoint.disabled_reason = ""
    endpoint.save()
    return endpoint


# --- deliveries ----------------------------------------------------------------------------------------------


def delivery_body(event: Event) -> str:
    return json.dumps(
        {
            "id": str(event.pk),
            "type": event.type,
            "created_at": event.created_at.isoformat().replace("+00:00", "Z"),
            "merchant_id": str(event.merchant_id),
            "data": event.data,
        },
        separators=(",", ":"),
    )


def queue_deliveries(event: Event) -> list[str]:
    """One delivery per active endpoint that wants the event (idempotent); returns the ids to send."""
    endpoints = [
        e for e in WebhookEndpoint.objects.for_merchant(event.merchant).filter(active=True) if e.wants(event.type)
    ]
    if not endpoints:
        return []
    body, now = delivery_body(event), timezone.now()
    WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                merchant_id=event.merchant_id,
                endpoint=e,
                event=event,
                event_type=event.type,
                body=body,
                next_attempt_at=now,
            )
            for e in endpoints
        ],
        ignore_conflicts=True,
    )
    return [
        str(pk)
        for pk in WebhookDelivery.objects.filter(event=event, status=DeliveryStatus.PENDING).values_list(
            "pk", flat=True
        )
    ]


def due_delivery_ids(limit: int = 500) -> list[str]:
    due = WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now())
    return [str(pk) for pk in due.order_by("next_attempt_at").values_list("pk", flat=True)[:limit]]


def deliver(delivery_id: str) -> WebhookDelivery | None:
    """Make the delivery's next attempt if it is due (None when another worker has it or it is not due)."""
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=now + LEASE)
    if not claimed:
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if not endpoint.active:
        _finish(delivery, DeliveryStatus.FAILED, error="The endpoint is disabled; turn it on and redeliver.")
        return delivery
    status, text, error = _post(endpoint, delivery)
    _record_attempt(delivery, now=now, status=status, text=text, error=error)
    return delivery


def _post(endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> tuple[int | None, str, str]:
    """(response status, response text, error) of one attempt."""
    try:
        check_webhook_url(endpoint.url)  # again: DNS may have changed since the endpoint was saved
    except UnsafeWebhookUrl as exc:
        return None, "", str(exc)
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "NexusOne-Event": delivery.event_type,
        "NexusOne-Delivery": str(delivery.pk),
        "NexusOne-Signature": sign(endpoint.secret, int(time.time()), body),
    }
    try:
        # No redirects: a 3xx could point inside our network, and the receiver should fix its URL anyway.
        response = requests.post(
            endpoint.url, data=body, headers=headers, timeout=TIMEOUT_SECONDS, allow_redirects=False
        )
    except requests.Timeout:
        return None, "", f"No answer within {TIMEOUT_SECONDS} s."
    except requests.RequestException as exc:
        return None, "", f"Could not connect: {exc.__class__.__name__}."
    return response.status_code, response.text[:RESPONSE_KEPT], ""


def _record_attempt(delivery: WebhookDelivery, *, now: datetime, status: int | None, text: str, error: str) -> None:
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.response_status = status
    delivery.response_body = text
    if status is not None and 200 <= status < 300:
        _finish(delivery, DeliveryStatus.SUCCEEDED)
        WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(failing_since=None)
        return
    delivery.last_error = (error or f"The endpoint answered {status}.")[:500]
    if delivery.attempts >= MAX_ATTEMPTS:
        _finish(delivery, DeliveryStatus.FAILED)
    else:
        delivery.next_attempt_at = now + retry_delay(delivery.attempts)
        delivery.save()
    _note_endpoint_failure(delivery.endpoint, now)


def _finish(delivery: WebhookDelivery, status: str, *, error: str = "") -> None:
    delivery.status = status
    delivery.next_attempt_at = None
    if status == DeliveryStatus.SUCCEEDED:
        delivery.last_error = ""
    elif error:
        delivery.last_error = error
    delivery.save()


def _note_endpoint_failure(endpoint: WebhookEndpoint, now: datetime) -> None:
    """Start the failure streak, or disable the endpoint once the streak is three days long."""
    WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since__isnull=True).update(failing_since=now)
    endpoint.refresh_from_db(fields=["failing_since", "active"])
    if endpoint.active and now - endpoint.failing_since >= DISABLE_AFTER:
        disable_endpoint(endpoint, "Every delivery failed for 3 days.")


@transaction.atomic
def disable_endpoint(endpoint: WebhookEndpoint, reason: str) -> bool:
    """Turn a failing endpoint off, give up its pending deliveries, tell the team. False if already off."""
    from .actions import emit

    now = timezone.now()
    if not WebhookEndpoint.objects.filter(pk=endpoint.pk, active=True).update(
        active=False, disabled_at=now, disabled_reason=reason, updated_at=now
    ):
        return False
    WebhookDelivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, next_attempt_at=None, last_error="The endpoint was disabled.", updated_at=now
    )
    emit(
        endpoint.merchant,
        EventType.WEBHOOK_ENDPOINT_DISABLED,
        {"endpoint_id": str(endpoint.pk), "url": endpoint.url},
        title=f"Webhook endpoint disabled: {endpoint.url}"[:200],
        body=f"{reason} Fix the receiver, then turn the endpoint on again and redeliver what it missed.",
        level=Level.ERROR,
        link=reverse("notifications:webhooks"),
    )
    return True


def redeliver(delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again now (same id and body); one attempt unless it still has retries left."""
    if not delivery.endpoint.active:
        raise Conflict("The endpoint is disabled; turn it on before redelivering.")
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING, next_attempt_at=timezone.now(), updated_at=timezone.now()
    )
    delivery.refresh_from_db()
    queue_attempts([str(delivery.pk)])
    return delivery


def queue_attempts(delivery_ids: list[str]) -> None:
    from .tasks import deliver_webhook_task

    for delivery_id in delivery_ids:
        transaction.on_commit(lambda pk=delivery_id: deliver_webhook_task.delay(pk), robust=True)
