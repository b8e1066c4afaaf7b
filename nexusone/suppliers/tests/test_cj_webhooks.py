"""CJ webhooks: the `sign` header checked against our stored openId, then each topic normalised."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest

from nexusone.suppliers.base import SupplierRejected
from nexusone.suppliers.registry import get_supplier

from .cj_payloads import LOGISTIC_WEBHOOK, ORDER_ID, ORDER_WEBHOOK, PID, PRODUCT_WEBHOOK, STOCK_WEBHOOK, VID

pytestmark = pytest.mark.django_db


def signed(message: dict, key: str = "284517903") -> tuple[bytes, dict[str, str]]:
    body = json.dumps(message).encode()
    sign = base64.b64encode(hmac.new(key.encode(), body, hashlib.sha256).digest()).decode()
    return body, {"sign": sign, "Content-Type": "application/json"}


def test_a_correctly_signed_body_verifies(connected_account):
    body, headers = signed(PRODUCT_WEBHOOK)
    assert get_supplier(connected_account).verify_webhook(body, headers) is True


def test_any_change_to_the_body_fails_verification(connected_account):
    body, headers = signed(PRODUCT_WEBHOOK)
    assert get_supplier(connected_account).verify_webhook(body + b" ", headers) is False


def test_a_body_signed_with_the_payloads_own_open_id_but_not_ours_fails(connected_account):
    message = {**PRODUCT_WEBHOOK, "openId": 111}
    body, headers = signed(message, key="111")
    assert get_supplier(connected_account).verify_webhook(body, headers) is False


def test_a_missing_sign_header_fails(connected_account):
    body, _ = signed(PRODUCT_WEBHOOK)
    assert get_supplier(connected_account).verify_webhook(body, {}) is False


def test_an_account_without_open_id_accepts_no_webhook(connected_account):
    connected_account.open_id = ""
    body, headers = signed(PRODUCT_WEBHOOK, key="")
    assert get_supplier(connected_account).verify_webhook(body, headers) is False


def test_stock_message_becomes_stock_levels_per_country(connected_account):
    event = get_supplier(connected_account).parse_webhook(json.dumps(STOCK_WEBHOOK).encode())
    assert event.topic == "stock"
    assert event.action == "UPDATE"
    assert event.message_id == "e4b80000"
    (level,) = event.stock
    assert level.variant_id == VID
    assert {w.country_code: w.quantity for w in level.warehouses} == {"CN": 806, "US": 12}


def test_order_message_carries_reference_status_and_tracking(connected_account):
    event = get_supplier(connected_account).parse_webhook(json.dumps(ORDER_WEBHOOK).encode())
    assert event.topic == "order"
    assert event.order_reference == "NX-2026-000123"
    assert event.order_id == ORDER_ID
    assert event.order_status == "SHIPPED"
    assert event.tracking.tracking_number == "CJPKL7160102171YQ"


@pytest.mark.parametrize("kind", ["LOGISTIC", "LOGISTICS"])
def test_logistic_message_parses_events_from_the_json_encoded_string(connected_account, kind):
    message = {**LOGISTIC_WEBHOOK, "type": kind}
    event = get_supplier(connected_account).parse_webhook(json.dumps(message).encode())
    assert event.topic == "logistic"
    assert event.order_reference == "NX-2026-000123"
    assert event.tracking.status == "Arrived in destination country"
    assert event.tracking.delivered is False
    assert event.tracking.carrier == "USPS"
    assert [e.location for e in event.tracking.events] == ["Yiwu, CN", "Los Angeles, US"]  # oldest first
    assert event.tracking.events[-1].occurred_at == datetime(2026, 10, 7, 14, 20, tzinfo=UTC)


def test_logistic_status_twelve_means_delivered(connected_account):
    message = {**LOGISTIC_WEBHOOK, "params": {**LOGISTIC_WEBHOOK["params"], "trackingStatus": 12}}
    event = get_supplier(connected_account).parse_webhook(json.dumps(message).encode())
    assert event.tracking.delivered is True


def test_product_message_names_the_product(connected_account):
    event = get_supplier(connected_account).parse_webhook(json.dumps(PRODUCT_WEBHOOK).encode())
    assert event.topic == "product"
    assert event.product_id == PID
    assert event.payload["params"]["fields"] == ["productSellPrice"]


def test_a_body_that_is_not_json_is_rejected(connected_account):
    with pytest.raises(SupplierRejected):
        get_supplier(connected_account).parse_webhook(b"not json")


def test_variant_message_names_the_variant(connected_account):
    message = {
        "messageId": "v1",
        "type": "VARIANT",
        "messageType": "UPDATE",
        "params": {"vid": VID, "variantSellPrice": 4.4, "variantStatus": 1, "fields": ["variantSellPrice"]},
    }
    event = get_supplier(connected_account).parse_webhook(json.dumps(message).encode())
    assert event.topic == "variant"
    assert event.variant_id == VID
