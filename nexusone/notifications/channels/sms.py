"""SMS through a backend chosen by SMS_BACKEND: `console` (logs the message) or `twilio` (Twilio's REST API).

Twilio is configured by TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM; any other dotted path names
a class with the same `send(to, body)` method.
"""

from __future__ import annotations

import logging
from typing import Protocol

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

TWILIO_MESSAGES_URL = "https://api.twilio.com/2010-04-01/Accounts/{sid}/Messages.json"
MAX_SMS_LENGTH = 640  # four segments; longer notices are cut with an ellipsis


class SmsFailed(Exception):
    """The provider refused or could not be reached; the message says which and why."""


class SmsBackend(Protocol):
    def send(self, to: str, body: str) -> str:
        """Send one message; return the provider's id for it. Raise SmsFailed when it was not sent."""


class ConsoleSmsBackend:
    """Development: the message goes to the log instead of a phone."""

    def send(self, to: str, body: str) -> str:
        logger.info("SMS to %s: %s", to, body)
        return "console"


class TwilioSmsBackend:
    """Twilio's Messages resource: POST form data with basic auth (account SID, auth token)."""

    def __init__(self, account_sid: str, auth_token: str, from_number: str, *, timeout: float = 10.0) -> None:
        if not (account_sid and auth_token and from_number):
            raise ImproperlyConfigured(
                "SMS_BACKEND=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM."
            )
        self.account_sid, self.from_number, self.timeout = account_sid, from_number, timeout
        self.session = requests.Session()
        self.session.auth = (account_sid, auth_token)

    @classmethod
    def from_settings(cls) -> TwilioSmsBackend:
        return cls(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, settings.TWILIO_FROM)

    def send(self, to: str, body: str) -> str:
        url = TWILIO_MESSAGES_URL.format(sid=self.account_sid)
        try:
            response = self.session.post(
                url, data={"To": to, "From": self.from_number, "Body": body}, timeout=self.timeout
            )
        except requests.RequestException as exc:
            raise SmsFailed(f"Twilio could not be reached: {exc.__class__.__name__}") from exc
        answer = _json(response)
        if response.status_code != 201:
            raise SmsFailed(
                f"Twilio refused the message ({response.status_code}, code {answer.get('code')}): "
                f"{answer.get('message', response.text[:200])}"
            )
        return answer.get("sid", "")


def _json(response: requests.Response) -> dict:
    try:
        answer = response.json()
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def get_sms_backend() -> SmsBackend:
    name = settings.SMS_BACKEND
    if name == "console":
        return ConsoleSmsBackend()
    if name == "twilio":
        return TwilioSmsBackend.from_settings()
    return import_string(name)()


def send_sms(to: str, body: str) -> str | None:
    """Send through the configured backend; a failure is logged (the other channels still go)."""
    if len(body) > MAX_SMS_LENGTH:
        body = body[: MAX_SMS_LENGTH - 1] + "…"
    try:
        return get_sms_backend().send(to, body)
    except SmsFailed:
        logger.warning("SMS to %s not sent", to, exc_info=True)
        return None
