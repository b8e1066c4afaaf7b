"""notify(): the one door for telling a merchant's team (and customers) something; marking notices read."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Level, Notification

if TYPE_CHECKING:
    from nexusone.accounts.models import Merchant

logger = logging.getLogger(__name__)


def notify(
    merchant: Merchant,
    event: str,
    *,
    title: str,
    body: str = "",
    level: str = Level.INFO,
    link: str = "",
    data: dict[str, Any] | None = None,
    email_team: bool = False,
) -> Notification:
    """Write an in-app notification; optionally email the merchant's owners and managers."""
    notification = Notification.objects.create(
        merchant=merchant, event=event, title=title, body=body, level=level, link=link, data=data or {}
    )
    if email_team:
        recipients = list(
            merchant.memberships.filter(role__in=["owner", "manager"]).values_list("user__email", flat=True)
        )
        transaction.on_commit(lambda: send_email(recipients, title, body))
    return notification


def mark_read(notification: Notification) -> Notification:
    """Mark a notification read once (a second call keeps the first time)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def mark_all_read(merchant: Merchant) -> int:
    """Mark every unread notification of the merchant read, in one statement; returns how many."""
    return Notification.objects.for_merchant(merchant).filter(read_at__isnull=True).update(read_at=timezone.now())


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
