"""emit(): the one door for announcing an event to a merchant's team; marking notices read.

An event is written with the business change (an `Event` row, and the in-app notice when the merchant
wants it, so both roll back with the change). After the transaction commits, a Celery task routes it
to the other channels the merchant's preferences enable: email, SMS and outgoing webhooks.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone

from nexusone.core.events import publish_event

from .choices import Channel, EventType, Level
from .models import Event, Notification
from .preferences import channels_for, get_preferences

if TYPE_CHECKING:
    from nexusone.accounts.models import Merchant

logger = logging.getLogger(__name__)

__all__ = ["emit", "mark_all_read", "mark_read", "send_email", "unread_count"]


class UnknownEvent(ValueError):
    """An event name that is not in EventType: a programming error, caught by tests."""


def emit(
    merchant: Merchant,
    event_type: str,
    data: dict[str, Any] | None = None,
    *,
    title: str,
    body: str = "",
    level: str = Level.INFO,
    link: str = "",
) -> Event:
    """Announce `event_type` with a small JSON payload; the merchant's preferences choose the channels.

    Call it inside the business change's transaction: the event and its in-app notice commit (or roll
    back) with the change, and the other channels are reached only after it commits."""
    if event_type not in EventType.values:
        raise UnknownEvent(f"Unknown event {event_type!r}; add it to notifications.choices.EventType.")
    data = json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder))
    text = {"title": title[:200], "body": body, "level": level, "link": link}
    event = Event.objects.create(merchant=merchant, type=event_type, data=data, **text)
    in_app = Channel.IN_APP in channels_for(get_preferences(merchant), event_type)
    if in_app:
        Notification.objects.create(merchant=merchant, event=event_type, data=data, **text)
    transaction.on_commit(lambda: _after_commit(event, in_app=in_app), robust=True)
    return event


def _after_commit(event: Event, in_app: bool) -> None:
    from .tasks import dispatch_event_task

    if in_app:
        publish_event(event.merchant_id, "notification", {"event": event.type, "title": event.title})
    dispatch_event_task.delay(str(event.pk))


def unread_count(merchant: Merchant) -> int:
    return Notification.objects.for_merchant(merchant).filter(read_at__isnull=True).count()


def mark_read(notification: Notification) -> Notification:
    """Mark a notification read once (a second call keeps the first time)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        publish_event(notification.merchant_id, "notification", {"read": str(notification.pk)})
    return notification


def mark_all_read(merchant: Merchant) -> int:
    """Mark every unread notification of the merchant read, in one statement; returns how many."""
    marked = Notification.objects.for_merchant(merchant).filter(read_at__isnull=True).update(read_at=timezone.now())
    if marked:
        publish_event(merchant.pk, "notification", {"read": "all"})
    return marked


def send_email(
    recipients: Iterable[str],
    subject: str,
    body: str,
    *,
    template: str | None = None,
    context: dict[str, Any] | None = None,
) -> int:
    """Send a text email (with an HTML part when `template`.html exists)."""
    recipients = [r for r in recipients if r]
    if not recipients:
        return 0
    html = None
    if template:
        body = render_to_string(f"{template}.txt", context or {})
        try:
            html = render_to_string(f"{template}.html", context or {})
        except TemplateDoesNotExist:
            html = None
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    if html:
        message.attach_alternative(html, "text/html")
    try:
        return message.send()
    except OSError:
        logger.exception("Email to %d recipient(s) failed: %s", len(recipients), subject)
        return 0
