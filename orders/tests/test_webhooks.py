"""POST /api/webhooks/cj: signed, stored once, applied once, never backwards."""

import json

import pytest

from nexusone.suppliers import inbox
from nexusone.suppliers import tasks as supplier_tasks
from nexusone.suppliers.choices import WebhookState
from nexusone.suppliers.models import WebhookMessage
from orders import actions
from orders.choices import OrderStatus
from orders.models import Shipment, TrackingEvent

from .conftest import order_input, signed

URL = "/api/webhooks/cj"


def _post(client, fake, message, sign=None):
    raw, signature = signed(fake, message)
    return client.post(URL, data=raw, content_type="application/json", headers={"sign": sign or signature})


def order_message(message_id, reference, status, tracking=""):
    params = {"cjOrderId": "", "orderNumber": reference, "orderStatus": status, "logisticName": "USPS+"}
    if tracking:
        params["trackNumber"] = tracking
    return {"messageId": message_id, "type": "ORDER", "messageType": "UPDATE", "params": params}


def logistic_message(message_id, reference, status, events):
    return {
        "messageId": message_id,
        "type": "LOGISTIC",
        "messageType": "UPDATE",
        "openId": 284517903,
        "params": {
            "orderId": "",
            "storeOrderNumbers": [reference],
            "logisticName": "USPS+",
            "trackingNumber": "CJPKL7160102171YQ",
            "trackingProvider": "USPS",
            "trackingUrl": None,
            "trackingStatus": status,
            "logisticsTrackEvents": json.dumps(events),
        },
    }


@pytest.fixture
def confirmed(merchant, account, variant):
    order, _ = actions.create_order(merchant, order_input(variant, 1))
    actions.submit_order(order.submission.pk)
    order.refresh_from_db()
    return order


@pytest.mark.django_db
def test_a_bad_signature_is_401_and_stores_nothing(client, account, fake_supplier, caplog):
    response = _post(client, fake_supplier, order_message("m1", "#1001", "SHIPPED"), sign="AAAA")

    assert response.status_code == 401
    assert not WebhookMessage.objects.exists()
    assert "signature" in caplog.text


@pytest.mark.django_db
def test_the_payload_open_id_alone_does_not_authenticate(client, account, fake_supplier):
    message = {**order_message("m1", "#1001", "SHIPPED"), "openId": 284517903}

    response = _post(client, fake_supplier, message, sign="bm90IHRoZSBzaWduYXR1cmU=")

    assert response.status_code == 401


@pytest.mark.django_db
def test_a_signed_message_is_stored_and_answered_200(client, account, fake_supplier, merchant):
    response = _post(client, fake_supplier, order_message("m1", "#nope", "SHIPPED"))

    assert response.status_code == 200
    assert response.json()["result"] == "success"
    stored = WebhookMessage.objects.get()
    assert stored.merchant == merchant
    assert stored.topic == "order"


@pytest.mark.django_db(transaction=True)
def test_a_replayed_message_is_acknowledged_and_applied_once(client, confirmed, fake_supplier):
    events = [
        {
            "status": 6,
            "statusDesc": "Arrived",
            "activity": "At LAX",
            "location": "LA",
            "eventTime": "2026-10-07 14:20:00",
        }
    ]
    message = logistic_message("dup-1", "#1001", 6, events)

    first = _post(client, fake_supplier, message)
    replay = _post(client, fake_supplier, message)

    assert first.status_code == replay.status_code == 200
    assert WebhookMessage.objects.count() == 1
    assert WebhookMessage.objects.get().state == WebhookState.PROCESSED
    assert TrackingEvent.objects.count() == 1
    confirmed.refresh_from_db()
    assert confirmed.status == OrderStatus.SHIPPED


@pytest.mark.django_db(transaction=True)
def test_delivered_then_a_late_shipped_message_stays_delivered(client, confirmed, fake_supplier):
    delivered = [
        {
            "status": 12,
            "statusDesc": "Delivered",
            "activity": "Left at door",
            "location": "Springfield",
            "eventTime": "2026-10-09 10:00:00",
        }
    ]
    _post(client, fake_supplier, logistic_message("l-2", "#1001", 12, delivered))
    _post(client, fake_supplier, order_message("o-1", "#1001", "SHIPPED", tracking="CJPKL7160102171YQ"))

    confirmed.refresh_from_db()
    assert confirmed.status == OrderStatus.DELIVERED
    assert confirmed.logs.filter(step="status.ignored").exists()
    assert WebhookMessage.objects.filter(state=WebhookState.PROCESSED).count() == 2


@pytest.mark.django_db
def test_order_messages_move_the_order_forward_and_store_the_package(client, confirmed, fake_supplier):
    _post(client, fake_supplier, order_message("o-1", "#1001", "SHIPPED", tracking="CJPKL7160102171YQ"))
    inbox.process_webhook(WebhookMessage.objects.get().pk)

    confirmed.refresh_from_db()
    assert confirmed.status == OrderStatus.SHIPPED
    assert Shipment.objects.get(order=confirmed).tracking_number == "CJPKL7160102171YQ"


@pytest.mark.django_db
def test_a_message_is_processed_once_even_if_its_task_runs_twice(client, confirmed, fake_supplier):
    _post(client, fake_supplier, order_message("o-1", "#1001", "SHIPPED", tracking="T1"))
    message = WebhookMessage.objects.get()

    assert inbox.process_webhook(message.pk) is not None
    assert inbox.process_webhook(message.pk) is None
    assert confirmed.status_events.filter(to_status=OrderStatus.SHIPPED).count() == 1


@pytest.mark.django_db
def test_stock_messages_go_to_the_inventory_handler_or_are_kept_with_a_note(client, account, fake_supplier, merchant):
    stock = {
        "messageId": "s-1",
        "type": "STOCK",
        "messageType": "UPDATE",
        "params": {
            "V1": [{"vid": "V1", "areaId": 1, "areaEn": "China Warehouse", "countryCode": "CN", "storageNum": 5}]
        },
    }
    _post(client, fake_supplier, stock)

    message = inbox.process_webhook(WebhookMessage.objects.get().pk)

    assert message.state == WebhookState.PROCESSED
    assert message.note


@pytest.mark.django_db
def test_stored_messages_whose_task_was_lost_are_swept_up(client, confirmed, fake_supplier):
    from datetime import timedelta

    from django.utils import timezone

    _post(client, fake_supplier, order_message("o-9", "#1001", "UNSHIPPED"))
    WebhookMessage.objects.update(received_at=timezone.now() - timedelta(minutes=10))

    assert supplier_tasks.sweep_webhooks() == 1
    confirmed.refresh_from_db()
    assert confirmed.status == OrderStatus.PROCESSING


@pytest.mark.django_db
@pytest.mark.parametrize("claimed_open_id", [None, 999999])
def test_the_account_is_the_one_whose_key_verifies_whatever_the_payload_claims(
    client, account, fake_supplier, other_merchant, merchant, claimed_open_id
):
    from dataclasses import replace

    from nexusone.suppliers import registry
    from tests.factories import SupplierAccountFactory

    # Each account verifies with its own open_id, as the CJ client does.
    registry.register("cj", lambda acc: replace(fake_supplier, webhook_key=acc.open_id))
    SupplierAccountFactory(merchant=other_merchant, open_id="999999")
    message = order_message("o-1", "#x", "SHIPPED")
    if claimed_open_id:
        message["openId"] = claimed_open_id

    assert _post(client, fake_supplier, message).status_code == 200

    assert WebhookMessage.objects.get().merchant == merchant


@pytest.mark.django_db(transaction=True)
def test_a_stock_message_for_our_variant_prompts_an_inventory_sync(client, account, fake_supplier, merchant, variant):
    from inventory.models import SyncRun

    stock = {
        "messageId": "s-2",
        "type": "STOCK",
        "messageType": "UPDATE",
        "params": {
            variant.external_id: [{"vid": variant.external_id, "areaId": 1, "countryCode": "CN", "storageNum": 3}]
        },
    }

    assert _post(client, fake_supplier, stock).status_code == 200

    assert WebhookMessage.objects.get().state == WebhookState.PROCESSED
    assert SyncRun.objects.filter(merchant=merchant, trigger="webhook").exists()


def test_a_message_is_stored_with_one_statement_and_a_replay_with_one_more(
    client, account, fake_supplier, merchant, django_assert_max_num_queries
):
    _post(client, fake_supplier, order_message("warm-up", "#nope", "SHIPPED"))  # loads the signing keys once

    with django_assert_max_num_queries(1):
        first = _post(client, fake_supplier, order_message("q1", "#nope", "SHIPPED"))
    with django_assert_max_num_queries(1):
        replay = _post(client, fake_supplier, order_message("q1", "#nope", "SHIPPED"))

    assert first.status_code == replay.status_code == 200
    assert replay.json() == {"code": 200, "result": "success", "message": "ok"}
    assert WebhookMessage.objects.filter(message_id="q1").count() == 1


def test_a_replay_reports_a_duplicate_and_queues_no_second_drain(account, fake_supplier, merchant, monkeypatch):
    queued = []
    monkeypatch.setattr(inbox, "request_inbox_drain", lambda: queued.append(1))
    raw, sign = signed(fake_supplier, order_message("d1", "#nope", "SHIPPED"))

    first = inbox.receive_webhook(raw, {"sign": sign})
    again = inbox.receive_webhook(raw, {"sign": sign})

    assert (first.outcome, again.outcome) == ("stored", "duplicate")
    assert queued == [1]
    assert WebhookMessage.objects.filter(message_id="d1").count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_order_message_reaches_the_store_whose_order_it_is_when_stores_share_a_cj_account(
    client, merchant, other_merchant, account, fake_supplier
):
    from tests.factories import ProductFactory, SupplierAccountFactory, VariantFactory

    SupplierAccountFactory(merchant=other_merchant, api_key="key", open_id=account.open_id)
    theirs_variant = VariantFactory(product=ProductFactory(merchant=other_merchant), stock_quantity=10)
    theirs, _ = actions.create_order(other_merchant, order_input(theirs_variant, 1, reference="#1001"))
    actions.submit_order(theirs.submission.pk)
    inbox.forget_webhook_accounts()

    response = _post(client, fake_supplier, order_message("shared-1", str(theirs.pk), "SHIPPED", tracking="T-9"))

    assert response.status_code == 200
    message = WebhookMessage.objects.get(message_id="shared-1")
    theirs.refresh_from_db()
    assert theirs.status == OrderStatus.SHIPPED, (message.state, message.note)
