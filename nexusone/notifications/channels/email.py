"""Email to the store's team: the addresses in the preferences, else its owners and managers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings

from nexusone.accounts.choices import Role

if TYPE_CHECKING:
    from ..models import Event, NotificationPreferences


def team_recipients(preferences: NotificationPreferences) -> list[str]:
    if preferences.email_to:
        return list(preferences.email_to)
    memberships = preferences.merchant.memberships.filter(role__in=[Role.OWNER, Role.MANAGER], user__is_active=True)
    return sorted(memberships.values_list("user__email", flat=True))


def send_event_email(event: Event, recipients: list[str]) -> int:
    from ..actions import send_email

    context = {
        "event": event,
        "merchant": event.merchant,
        "link": f"{settings.SITE_URL.rstrip('/')}{event.link}" if event.link.startswith("/") else event.link,
        "preferences_url": f"{settings.SITE_URL.rstrip('/')}/notifications/preferences/",
    }
    subject = f"[{event.merchant.name}] {event.title}"
    return send_email(recipients, subject, "", template="notifications/email/event", context=context)
