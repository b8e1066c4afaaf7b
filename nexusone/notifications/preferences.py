"""Notification preferences: per event and channel, with defaults; who gets the email and the SMS."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from .choices import Channel, EventType, default_channels
from .models import NotificationPreferences

if TYPE_CHECKING:
    from nexusone.accounts.models import Merchant

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
MAX_EMAIL_RECIPIENTS = 20


def get_preferences(merchant: Merchant) -> NotificationPreferences:
    """The merchant's preferences (unsaved defaults when never set)."""
    found = NotificationPreferences.objects.filter(merchant=merchant).first()
    return found or NotificationPreferences(merchant=merchant)


def channel_matrix(preferences: NotificationPreferences) -> dict[str, dict[str, bool]]:
    """Every event with every channel: the defaults, overridden by what the merchant chose."""
    return {event: {**default_channels(event), **preferences.events.get(event, {})} for event in EventType.values}


def channels_for(preferences: NotificationPreferences, event: str) -> set[str]:
    chosen = {**default_channels(event), **preferences.events.get(event, {})}
    return {channel for channel, on in chosen.items() if on}


def validate_matrix(events: Any) -> dict[str, dict[str, bool]]:
    """Known events and channels with boolean values; errors name the path (`events.sms.bad`)."""
    if not isinstance(events, dict):
        raise ValidationError({"events": "Expected an object of events, each an object of channels."})
    errors: dict[str, str] = {}
    for event, channels in events.items():
        if event not in EventType.values:
            errors[f"events.{event}"] = f"Unknown event {event!r}. Known events: {', '.join(EventType.values)}."
            continue
        if not isinstance(channels, dict):
            errors[f"events.{event}"] = 'Expected an object of channels, e.g. {"email": true}.'
            continue
        for channel, on in channels.items():
            if channel not in Channel.values:
                errors[f"events.{event}.{channel}"] = (
                    f"Unknown channel {channel!r}. Known channels: {', '.join(Channel.values)}."
                )
            elif not isinstance(on, bool):
                errors[f"events.{event}.{channel}"] = "Must be true or false."
    if errors:
        raise ValidationError(errors)
    return events


def validate_recipients(email_to: list[str] | None, sms_to: str | None) -> None:
    errors: dict[str, str] = {}
    if email_to is not None:
        if len(email_to) > MAX_EMAIL_RECIPIENTS:
            errors["email_to"] = f"At most {MAX_EMAIL_RECIPIENTS} addresses."
        for address in email_to:
            try:
                validate_email(address)
            except ValidationError:
                errors["email_to"] = f"{address!r} is not an email address."
    if sms_to and not E164.match(sms_to):
        errors["sms_to"] = "Give the number in international form, e.g. +14155550100."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def update_preferences(
    merchant: Merchant,
    *,
    events: dict[str, dict[str, bool]] | None = None,
    email_to: list[str] | None = None,
    sms_to: str | None = None,
) -> NotificationPreferences:
    """Change what is given (events merge per channel); validate everything before saving anything."""
    if events is not None:
        validate_matrix(events)
    validate_recipients(email_to, sms_to)
    preferences, _ = NotificationPreferences.objects.select_for_update().get_or_create(merchant=merchant)
    if events is not None:
        merged = {event: dict(channels) for event, channels in preferences.events.items()}
        for event, channels in events.items():
            merged.setdefault(event, {}).update(channels)
        # Keep only what differs from the defaults, so a later change of defaults reaches untouched events.
        preferences.events = {
            event: differs
            for event, channels in merged.items()
            if (differs := {c: on for c, on in channels.items() if default_channels(event)[c] != on})
        }
    if email_to is not None:
        preferences.email_to = [address.strip().lower() for address in email_to]
    if sms_to is not None:
        preferences.sms_to = sms_to
    preferences.save()
    return preferences
