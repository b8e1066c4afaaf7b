"""Preferences per event and channel: defaults, the API (GET/PUT) and the settings page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from nexusone.notifications.choices import EventType
from nexusone.notifications.models import NotificationPreferences

pytestmark = pytest.mark.django_db
URL = "/api/notifications/preferences"


def test_the_defaults_email_out_of_stock_failed_syncs_failed_orders_and_billing_and_show_everything_in_the_app(
    api,
):
    body = api.get(URL).json()

    assert set(body["events"]) == set(EventType.values)
    emailed = {event for event, channels in body["events"].items() if channels["email"]}
    assert emailed == {
        "inventory.out_of_stock",
        "sync.failed",
        "order.failed",
        "billing.payment_failed",
        "billing.plan_ended",
    }
    assert all(channels["in_app"] for channels in body["events"].values())
    assert not any(channels["sms"] for channels in body["events"].values())
    assert body["events"]["inventory.out_of_stock"] == {"in_app": True, "email": True, "sms": False, "webhook": True}
    assert (body["email_to"], body["sms_to"]) == ([], "")


def test_put_changes_the_channels_given_and_keeps_the_others(api):
    response = api.put(
        URL,
        {"events": {"inventory.low_stock": {"email": True}}, "email_to": ["ops@example.com"], "sms_to": "+14155550100"},
        format="json",
    )

    assert response.status_code == 200
    body = api.get(URL + "/").json()
    assert body["events"]["inventory.low_stock"] == {"in_app": True, "email": True, "sms": False, "webhook": True}
    assert body["events"]["inventory.out_of_stock"]["email"] is True
    assert (body["email_to"], body["sms_to"]) == (["ops@example.com"], "+14155550100")


def test_turning_a_default_back_on_stores_nothing_for_it(api, merchant):
    api.put(URL, {"events": {"sync.failed": {"email": False}}}, format="json")
    api.put(URL, {"events": {"sync.failed": {"email": True}}}, format="json")

    assert NotificationPreferences.objects.get(merchant=merchant).events == {}


@pytest.mark.parametrize(
    ("payload", "attr"),
    [
        ({"events": {"inventory.melted": {"email": True}}}, "events.inventory.melted"),
        ({"events": {"sync.failed": {"fax": True}}}, "events.sync.failed.fax"),
        ({"events": {"sync.failed": {"email": "sometimes"}}}, "events.sync.failed.email"),
        ({"email_to": ["not-an-address"]}, "email_to.0"),
        ({"sms_to": "555-0100"}, "sms_to"),
        ({"push": True}, "push"),
    ],
)
def test_unknown_events_channels_or_fields_are_a_400_naming_them_and_change_nothing(api, merchant, payload, attr):
    api.put(URL, {"events": {"order.created": {"email": True}}}, format="json")
    payload = {**payload, "events": {**payload.get("events", {}), "order.shipped": {"email": True}}}

    response = api.put(URL, payload, format="json")

    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"
    assert attr in [error["attr"] for error in response.json()["errors"]]
    assert NotificationPreferences.objects.get(merchant=merchant).events == {"order.created": {"email": True}}


def test_a_viewer_may_read_the_preferences_but_not_change_them(viewer_api):
    assert viewer_api.get(URL).status_code == 200
    assert viewer_api.put(URL, {"events": {"sync.failed": {"email": False}}}, format="json").status_code == 403


def test_each_merchant_has_its_own_preferences(api, other_api):
    api.put(URL, {"events": {"sync.completed": {"sms": True}}}, format="json")

    assert other_api.get(URL).json()["events"]["sync.completed"]["sms"] is False


def test_the_settings_page_saves_the_checkboxes_and_recipients(owner_client, merchant):
    page = owner_client.get(reverse("notifications:preferences"))
    assert page.status_code == 200
    assert 'name="inventory.out_of_stock__email"' in page.content.decode()

    response = owner_client.post(
        reverse("notifications:preferences"),
        {"inventory.low_stock__in_app": "on", "inventory.low_stock__sms": "on", "sms_to": "+14155550100"},
        follow=True,
    )

    assert "Notification settings saved." in response.content.decode()
    preferences = NotificationPreferences.objects.get(merchant=merchant)
    assert preferences.events["inventory.low_stock"] == {"sms": True, "webhook": False}
    assert preferences.events["inventory.out_of_stock"] == {"in_app": False, "email": False, "webhook": False}
    assert preferences.sms_to == "+14155550100"


def test_the_settings_page_shows_a_bad_number_beside_its_field(owner_client, merchant):
    response = owner_client.post(reverse("notifications:preferences"), {"sms_to": "call me"})

    assert response.status_code == 200
    assert "international form" in response.content.decode()
    assert not NotificationPreferences.objects.filter(merchant=merchant).exists()


def test_settings_links_to_the_notification_settings(owner_client):
    page = owner_client.get(reverse("accounts:settings")).content.decode()
    assert reverse("notifications:preferences") in page
