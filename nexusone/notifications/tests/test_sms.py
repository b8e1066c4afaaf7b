"""SMS backends: console by default; Twilio's Messages API, faked with `responses` on its documented shapes."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs

import pytest
import requests
import responses
from django.core.exceptions import ImproperlyConfigured

from nexusone.notifications.channels import sms

URL = "https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json"
SID = "AC0123456789abcdef0123456789abcdef"


@pytest.fixture
def twilio(settings):
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID = SID
    settings.TWILIO_AUTH_TOKEN = "auth-token-1"
    settings.TWILIO_FROM = "+15005550006"


# Twilio's answer to a created message (201), trimmed to the documented fields we read and a few around them.
CREATED = {
    "account_sid": SID,
    "api_version": "2010-04-01",
    "body": "Acme Goods: Out of stock: Desk Lamp.",
    "direction": "outbound-api",
    "from": "+15005550006",
    "sid": "SM1f0e8ae6ade43cb3c0ce4525424e404f",
    "status": "queued",
    "to": "+14155550100",
    "uri": f"/2010-04-01/Accounts/{SID}/Messages/SM1f0e8ae6ade43cb3c0ce4525424e404f.json",
}
# Twilio's error answer (its REST error shape).
INVALID_TO = {
    "code": 21211,
    "message": "The 'To' number +1415555 is not a valid phone number.",
    "more_info": "https://www.twilio.com/docs/errors/21211",
    "status": 400,
}


@responses.activate
def test_twilio_posts_the_message_as_form_data_with_basic_auth_and_returns_its_sid(twilio):
    responses.post(URL, json=CREATED, status=201)

    assert sms.send_sms("+14155550100", "Acme Goods: Out of stock: Desk Lamp.") == CREATED["sid"]

    request = responses.calls[0].request
    assert parse_qs(request.body) == {
        "To": ["+14155550100"],
        "From": ["+15005550006"],
        "Body": ["Acme Goods: Out of stock: Desk Lamp."],
    }
    assert request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert request.headers["Authorization"] == "Basic " + base64.b64encode(f"{SID}:auth-token-1".encode()).decode()


@responses.activate
def test_a_refused_message_is_logged_with_twilios_code_and_reason_and_not_raised(twilio, caplog):
    responses.post(URL, json=INVALID_TO, status=400)

    assert sms.send_sms("+1415555", "hello") is None
    assert "21211" in caplog.text
    assert "not a valid phone number" in caplog.text


@responses.activate
def test_twilio_unreachable_is_a_named_failure(twilio):
    responses.post(URL, body=requests.ConnectionError("refused"))
    backend = sms.get_sms_backend()

    with pytest.raises(sms.SmsFailed, match="could not be reached"):
        backend.send("+14155550100", "hello")


def test_twilio_without_credentials_says_which_settings_to_set(settings):
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID = ""

    with pytest.raises(ImproperlyConfigured, match="TWILIO_ACCOUNT_SID"):
        sms.get_sms_backend()


def test_the_console_backend_is_the_default_and_logs_the_message(settings, caplog):
    settings.SMS_BACKEND = "console"
    caplog.set_level("INFO")

    assert sms.send_sms("+14155550100", "Sync failed") == "console"
    assert "SMS to +14155550100: Sync failed" in caplog.text


def test_a_long_message_is_cut_to_four_segments(settings, monkeypatch):
    sent = []
    monkeypatch.setattr(sms.ConsoleSmsBackend, "send", lambda self, to, body: sent.append(body) or "console")

    sms.send_sms("+14155550100", "x" * 2000)

    assert len(sent[0]) == sms.MAX_SMS_LENGTH
    assert sent[0].endswith("…")
