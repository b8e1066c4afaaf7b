"""The dispatcher: after an event commits, send it on the channels the merchant's preferences enable.

In-app notices are written by `emit` itself, with the event. Here: email to the team, an SMS, and a
delivery per webhook endpoint. Each event is dispatched once (claimed by a conditional update); the
sweep picks up events whose task was lost (a broker outage at commit time).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .channels.email import send_event_email, team_recipients
from .channels.sms import send_sms
from .choices import Channel
from .models import Event
from .preferences import channels_for, get_preferences
from .webhooks import queue_attempts, queue_deliveries

logger = logging.getLogger(__name__)

LOST_AFTER = timedelta(minutes=2)  # an event still undispatched this long after commit lost its task


def dispatch_event(event_id: str) -> set[str]:
    """Route the event; returns the channels it went to (empty when it was dispatched already)."""
    claimed = Event.objects.filter(pk=event_id, dispatched_at__isnull=True).update(dispatched_at=timezone.now())
    if not claimed:
        return set()
    event = Event.objects.select_related("merchant").get(pk=event_id)
    preferences = get_preferences(event.merchant)
    channels = channels_for(preferences, event.type) - {Channel.IN_APP}
    sent = set()
    if Channel.EMAIL in channels and send_event_email(event, team_recipients(preferences)):
        sent.add(Channel.EMAIL)
    if Channel.SMS in channels and preferences.sms_to and send_sms(preferences.sms_to, _sms_text(event)):
        sent.add(Channel.SMS)
    if Channel.WEBHOOK in channels:
        with transaction.atomic():
            ids = queue_deliveries(event)
            queue_attempts(ids)
        if ids:
            sent.add(Channel.WEBHOOK)
    return sent


def _sms_text(event: Event) -> str:
    return f"{event.merchant.name}: {event.title}. {event.body}".strip()


def lost_event_ids(limit: int = 500) -> list[str]:
    cutoff = timezone.now() - LOST_AFTER
    lost = Event.objects.filter(dispatched_at__isnull=True, created_at__lte=cutoff).order_by("created_at")
    return [str(pk) for pk in lost.values_list("pk", flat=True)[:limit]]
