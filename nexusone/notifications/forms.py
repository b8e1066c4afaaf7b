"""The notification settings form: a checkbox per event and channel, and the recipients."""

from __future__ import annotations

from typing import Any

from django import forms

from .choices import WILDCARD, Channel, EventType


def field_name(event: str, channel: str) -> str:
    return f"{event}__{channel}"


class PreferencesForm(forms.Form):
    email_to = forms.CharField(
        required=False,
        label="Email to",
        help_text="Comma-separated addresses; empty: the store's owners and managers.",
        widget=forms.TextInput(attrs={"placeholder": "ops@example.com, me@example.com"}),
    )
    sms_to = forms.CharField(
        required=False,
        max_length=20,
        label="SMS to",
        help_text="A mobile number in international form, e.g. +14155550100.",
    )

    def __init__(self, *args: Any, matrix: dict[str, dict[str, bool]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for event in EventType.values:
            for channel in Channel.values:
                self.fields[field_name(event, channel)] = forms.BooleanField(
                    required=False, initial=matrix[event][channel], label=f"{event} by {channel}"
                )

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"event": event, "label": label, "cells": [self[field_name(event, c)] for c in Channel.values]}
            for event, label in EventType.choices
        ]

    def clean_email_to(self) -> list[str]:
        return [a.strip() for a in self.cleaned_data["email_to"].split(",") if a.strip()]

    def to_action_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        events = {
            event: {channel: data[field_name(event, channel)] for channel in Channel.values}
            for event in EventType.values
        }
        return {"events": events, "email_to": data["email_to"], "sms_to": data["sms_to"].strip()}


class WebhookEndpointForm(forms.Form):
    url = forms.URLField(max_length=500, label="URL", assume_scheme="https")
    events = forms.MultipleChoiceField(
        choices=[(WILDCARD, "Every event"), *EventType.choices],
        initial=[WILDCARD],
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose the events this endpoint receives.",
    )
    description = forms.CharField(max_length=200, required=False)
