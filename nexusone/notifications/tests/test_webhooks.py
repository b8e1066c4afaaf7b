"""Outgoing webhooks: signing, delivery headers, retries on a fake clock, disabling, redelivery, the address guard."""

from __future__ import annotations

import itertools
import json
import socket
from datetime import UTC, datetime, timedelta

import pytest
import responses

from nexusone.notifications import webhooks
from nexusone.notifications.actions import emit
from nexusone.notifications.choices import DeliveryStatus
from nexusone.notifications.models import Notification, WebhookDelivery, WebhookEndpoint
from nexusone.notifications.tasks import sweep_notifications_task

pytestmark = pytest.mark.django_db
HOOK = "https://hooks.example.com/nexusone"
START = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def dns(monkeypatch):
    """Answers for the hosts a test names (others resolve for real: the database, Redis)."""
    answers = {"hooks.example.com": "93.184.216.34"}
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[host], port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


@pytest.fixture
def endpoint(merchant, dns):
    return webhooks.create_endpoint(merchant, url=HOOK, events=["inventory.out_of_stock", "order.failed"])


def announce(merchant, committed, event="inventory.out_of_stock"):
    with committed():
        return emit(merchant, event, {"product_id": "p-1", "stock_quantity": 0}, title="Out of stock: Desk Lamp")


def test_the_signature_of_a_fixed_secret_timestamp_and_body_is_a_fixed_header():
    body = b'{"id":"evt_1","type":"inventory.out_of_stock"}'

    header = webhooks.sign("whsec_test_secret", 1733054400, body)

    assert header == "t=1733054400,v1=8d95e5c1def2771031f2432c7bd4c7b4880d0978383e5b3ed30f9c4e6cbfda24"


@responses.activate
def test_a_delivery_posts_the_event_signed_with_the_endpoints_secret(merchant, endpoint, committed, time_machine):
    time_machine.move_to(START, tick=False)
    responses.post(HOOK, status=200, body="ok")

    event = announce(merchant, committed)

    request = responses.calls[0].request
    delivery = WebhookDelivery.objects.get()
    assert json.loads(request.body) == {
        "id": str(event.pk),
        "type": "inventory.out_of_stock",
        "created_at": "2026-12-01T10:00:00Z",
        "merchant_id": str(merchant.pk),
        "data": {"product_id": "p-1", "stock_quantity": 0},
    }
    assert request.headers["NexusOne-Event"] == "inventory.out_of_stock"
    assert request.headers["NexusOne-Delivery"] == str(delivery.pk)
    assert request.headers["NexusOne-Signature"] == webhooks.sign(endpoint.secret, int(START.timestamp()), request.body)
    assert (delivery.status, delivery.attempts, delivery.response_status) == (DeliveryStatus.SUCCEEDED, 1, 200)


@responses.activate
def test_an_endpoint_gets_only_the_events_it_asked_for(merchant, endpoint, dns, committed):
    everything = webhooks.create_endpoint(merchant, url="https://hooks.example.com/all", events=["*"])
    responses.post(HOOK, status=204)
    responses.post("https://hooks.example.com/all", status=204)

    announce(merchant, committed, event="sync.completed")

    assert [d.endpoint_id for d in WebhookDelivery.objects.all()] == [everything.pk]


@responses.activate
def test_the_webhook_preference_off_sends_the_event_to_no_endpoint(merchant, endpoint, committed):
    from nexusone.notifications.preferences import update_preferences

    update_preferences(merchant, events={"inventory.out_of_stock": {"webhook": False}})
    announce(merchant, committed)

    assert not WebhookDelivery.objects.exists()
    assert len(responses.calls) == 0


def test_the_retry_schedule_backs_off_from_about_a_minute_to_about_a_day(merchant, endpoint, committed, time_machine):
    """Seven attempts against an endpoint that always answers 500, the clock moved to each next attempt."""
    time_machine.move_to(START, tick=False)
    attempts_at = []
    with responses.RequestsMock() as mock:
        mock.post(HOOK, status=500, body="down")
        announce(merchant, committed)
        attempts_at.append(START)
        delivery = WebhookDelivery.objects.get()
        while delivery.status == DeliveryStatus.PENDING:
            time_machine.move_to(delivery.next_attempt_at, tick=False)
            with committed():
                sweep_notifications_task()
            attempts_at.append(delivery.next_attempt_at)
            delivery.refresh_from_db()
        ids = {call.request.headers["NexusOne-Delivery"] for call in mock.calls}
        bodies = {call.request.body for call in mock.calls}

    gaps = [later - earlier for earlier, later in itertools.pairwise(attempts_at)]
    assert delivery.attempts == len(attempts_at) == 7
    assert (delivery.status, delivery.response_status, delivery.next_attempt_at) == (DeliveryStatus.FAILED, 500, None)
    assert gaps[0] <= timedelta(minutes=2)
    assert all(later > earlier * 2 for earlier, later in itertools.pairwise(gaps))  # exponential
    assert timedelta(hours=18) <= attempts_at[-1] - attempts_at[0] <= timedelta(hours=30)
    assert ids == {str(delivery.pk)}  # one id across retries, so receivers can deduplicate
    assert len(bodies) == 1


def test_retry_delays_are_jittered_within_a_fifth_either_way():
    assert webhooks.retry_delay(1, jitter=-1) == timedelta(seconds=48)
    assert webhooks.retry_delay(1, jitter=1) == timedelta(seconds=72)
    assert webhooks.retry_delay(3, jitter=0) == timedelta(minutes=16)
    assert len({webhooks.retry_delay(2) for _ in range(20)}) > 1


def test_an_endpoint_failing_for_three_days_is_disabled_and_the_team_is_told(
    merchant, endpoint, committed, time_machine
):
    with responses.RequestsMock() as mock:
        mock.post(HOOK, status=503)
        for day in range(4):
            time_machine.move_to(START + timedelta(days=day, minutes=1), tick=False)
            announce(merchant, committed, event="order.failed")

    endpoint.refresh_from_db()
    assert endpoint.active is False
    assert "3 days" in endpoint.disabled_reason
    notice = Notification.objects.get(event="webhook.endpoint_disabled")
    assert HOOK in notice.title
    assert not WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).exists()


def test_one_success_ends_the_failure_streak(merchant, endpoint, committed, time_machine):
    with responses.RequestsMock() as mock:
        mock.post(HOOK, status=503)
        time_machine.move_to(START, tick=False)
        announce(merchant, committed, event="order.failed")
        mock.replace(responses.POST, HOOK, status=200)
        time_machine.move_to(START + timedelta(days=2), tick=False)
        announce(merchant, committed, event="order.failed")
        mock.replace(responses.POST, HOOK, status=503)
        time_machine.move_to(START + timedelta(days=3, hours=1), tick=False)
        announce(merchant, committed, event="order.failed")

    endpoint.refresh_from_db()
    assert endpoint.active is True
    assert endpoint.failing_since == START + timedelta(days=3, hours=1)


# --- the private-address guard ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://100.64.0.1/hook",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "ftp://hooks.example.com/",
    ],
)
def test_urls_to_private_loopback_or_link_local_addresses_are_refused_at_creation(api, dns, url):
    response = api.post("/api/webhook-endpoints", {"url": url, "events": ["*"]}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "url"
    assert not WebhookEndpoint.objects.exists()


def test_a_host_resolving_to_a_private_address_is_refused(api, dns):
    dns["intranet.example.com"] = "10.0.0.5"

    response = api.post("/api/webhook-endpoints", {"url": "https://intranet.example.com/", "events": ["*"]})

    assert response.status_code == 400
    assert "10.0.0.5" in response.json()["errors"][0]["detail"]


def test_an_allowed_host_may_be_local(api, settings):
    settings.OUTGOING_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]

    response = api.post("/api/webhook-endpoints", {"url": "http://127.0.0.1:9000/hook", "events": ["*"]})

    assert response.status_code == 201


@responses.activate
def test_a_host_whose_dns_turns_private_after_creation_is_refused_at_delivery(merchant, endpoint, dns, committed):
    dns["hooks.example.com"] = "127.0.0.1"

    announce(merchant, committed)

    delivery = WebhookDelivery.objects.get()
    assert len(responses.calls) == 0
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
    assert "127.0.0.1" in delivery.last_error


# --- the API ----------------------------------------------------------------------------------------------------


def test_the_secret_is_shown_once_at_creation(api, dns):
    created = api.post("/api/webhook-endpoints", {"url": HOOK, "events": ["order.failed"]}, format="json")

    assert created.status_code == 201
    assert created.json()["secret"].startswith("whsec_")
    listed = api.get("/api/webhook-endpoints").json()["results"]
    fetched = api.get(f"/api/webhook-endpoints/{created.json()['id']}").json()
    assert "secret" not in listed[0]
    assert "secret" not in fetched
    assert fetched["events"] == ["order.failed"]


def test_patch_changes_the_events_and_unknown_events_are_a_400_naming_events(api, endpoint):
    ok = api.patch(f"/api/webhook-endpoints/{endpoint.pk}", {"events": ["*"], "active": False}, format="json")
    bad = api.patch(f"/api/webhook-endpoints/{endpoint.pk}", {"events": ["order.eaten"]}, format="json")

    assert (ok.status_code, ok.json()["events"], ok.json()["active"]) == (200, ["*"], False)
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["attr"] == "events"
    endpoint.refresh_from_db()
    assert endpoint.events == ["*"]


def test_delete_removes_the_endpoint(api, endpoint):
    assert api.delete(f"/api/webhook-endpoints/{endpoint.pk}/").status_code == 204
    assert not WebhookEndpoint.objects.exists()


def test_another_merchants_endpoint_and_delivery_are_404(other_api, endpoint, merchant, committed):
    with responses.RequestsMock() as mock:
        mock.post(HOOK, status=500)
        announce(merchant, committed)
    delivery = WebhookDelivery.objects.get()

    assert other_api.get(f"/api/webhook-endpoints/{endpoint.pk}").status_code == 404
    assert other_api.get(f"/api/webhook-endpoints/{endpoint.pk}/deliveries").status_code == 404
    assert other_api.patch(f"/api/webhook-endpoints/{endpoint.pk}", {"active": False}).status_code == 404
    assert other_api.post(f"/api/webhook-deliveries/{delivery.pk}/redeliver").status_code == 404


def test_a_viewer_may_list_endpoints_but_not_add_one(viewer_api, dns):
    assert viewer_api.get("/api/webhook-endpoints").status_code == 200
    assert viewer_api.post("/api/webhook-endpoints", {"url": HOOK, "events": ["*"]}).status_code == 403


def test_the_delivery_log_and_a_manual_redelivery_with_the_same_id(api, merchant, endpoint, committed):
    with responses.RequestsMock() as mock:
        mock.post(HOOK, status=500)
        announce(merchant, committed)
        log = api.get(f"/api/webhook-endpoints/{endpoint.pk}/deliveries").json()["results"]
        mock.replace(responses.POST, HOOK, status=200)
        with committed():
            redelivered = api.post(f"/api/webhook-deliveries/{log[0]['id']}/redeliver")
        sent_ids = [call.request.headers["NexusOne-Delivery"] for call in mock.calls]

    assert log[0]["event"] == "inventory.out_of_stock"
    assert (log[0]["status"], log[0]["attempts"], log[0]["response_status"]) == ("pending", 1, 500)
    assert log[0]["next_attempt_at"] is not None
    assert redelivered.status_code == 202
    assert sent_ids == [log[0]["id"], log[0]["id"]]
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_status) == (DeliveryStatus.SUCCEEDED, 2, 200)


def test_redelivering_to_a_disabled_endpoint_is_a_409(api, merchant, endpoint, committed):
    with responses.RequestsMock() as mock:
        mock.post(HOOK, status=500)
        announce(merchant, committed)
    webhooks.disable_endpoint(endpoint, "Turned off for the test.")

    response = api.post(f"/api/webhook-deliveries/{WebhookDelivery.objects.get().pk}/redeliver")

    assert response.status_code == 409


# --- the pages --------------------------------------------------------------------------------------------------


def test_adding_an_endpoint_on_the_page_shows_its_secret_once(owner_client, merchant, dns):
    response = owner_client.post("/notifications/webhooks/", {"url": HOOK, "events": ["*"]})
    endpoint = WebhookEndpoint.objects.get(merchant=merchant)

    assert endpoint.secret in response.content.decode()
    assert endpoint.secret not in owner_client.get("/notifications/webhooks/").content.decode()


def test_the_endpoint_page_lists_its_deliveries(owner_client, merchant, endpoint, committed):
    with responses.RequestsMock() as mock:
        mock.post(HOOK, status=500)
        announce(merchant, committed)

    page = owner_client.get(f"/notifications/webhooks/{endpoint.pk}/").content.decode()

    assert str(WebhookDelivery.objects.get().pk) in page
    assert "Redeliver" in page


def test_the_readme_verifier_accepts_a_real_delivery_and_refuses_a_changed_body(merchant, endpoint, committed):
    """The README's receiver example, run against what we send."""
    import re
    from pathlib import Path

    from django.conf import settings

    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    namespace: dict = {}
    exec(re.search(r"```python\n(import hashlib.*?)```", readme, re.S).group(1), namespace)
    with responses.RequestsMock() as mock:
        mock.post(HOOK, status=200)
        announce(merchant, committed)
        request = mock.calls[0].request

    assert namespace["verify"](endpoint.secret, request.body, request.headers["NexusOne-Signature"]) is True
    assert namespace["verify"](endpoint.secret, request.body + b" ", request.headers["NexusOne-Signature"]) is False
