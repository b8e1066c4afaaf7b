"""CJ webhooks: verify the `sign` header, then normalise the message (CJ_API.md §10)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from nexusone.suppliers.base import StockLevel, SupplierRejected, TrackingInfo, WarehouseStock, WebhookEvent

from .mapping import DELIVERED_TRACKING_STATUS, integer, text, track_events

TOPICS = {
    "PRODUCT": "product",
    "VARIANT": "variant",
    "STOCK": "stock",
    "ORDER": "order",
    "LOGISTIC": "logistic",
    "LOGISTICS": "logistic",
}
TRACKING_STATUS_TEXT = {
    0: "No information yet",
    1: "Left CJ warehouse",
    2: "Received by forwarder",
    3: "Returned by forwarder",
    4: "Dispatched by forwarder",
    5: "In international transit",
    6: "Arrived in destination country",
    7: "Customs clearance started",
    8: "Customs cleared",
    9: "Picked up by last-mile carrier",
    10: "Out for delivery",
    11: "Waiting for pickup",
    12: "Delivered",
    13: "Exception",
    14: "Returned",
}


def signature(raw_body: bytes, open_id: str) -> str:
    """Base64 (padded) HMAC-SHA256 of the raw body, keyed by the openId's decimal string."""
    return base64.b64encode(hmac.new(str(open_id).encode(), raw_body, hashlib.sha256).digest()).decode()


def verify(raw_body: bytes, headers: dict[str, str], open_id: str) -> bool:
    """Check the `sign` header against our stored openId (never the payload's), in constant time."""
    if not open_id:
        return False
    received = next((v for k, v in headers.items() if k.lower() == "sign"), "") or ""
    return hmac.compare_digest(signature(raw_body, open_id).encode(), received.strip().encode())


def parse(raw_body: bytes) -> WebhookEvent:
    try:
        message = json.loads(raw_body)
    except ValueError as exc:
        raise SupplierRejected("The webhook body is not JSON.") from exc
    if not isinstance(message, dict):
        raise SupplierRejected("The webhook body is not a JSON object.")
    kind = text(message.get("type")).upper()
    topic = TOPICS.get(kind, kind.lower())
    params = message.get("params") or {}
    base: dict[str, Any] = {
        "message_id": text(message.get("messageId")),
        "topic": topic,
        "action": text(message.get("messageType")).upper(),
        "payload": message,
    }
    if topic == "product":
        return WebhookEvent(**base, product_id=text(params.get("pid")))
    if topic == "variant":
        return WebhookEvent(**base, product_id=text(params.get("pid")), variant_id=text(params.get("vid")))
    if topic == "stock":
        return WebhookEvent(**base, stock=_stock_levels(params))
    if topic == "order":
        return WebhookEvent(
            **base,
            order_reference=text(params.get("orderNumber") or params.get("orderNum")),
            order_id=text(params.get("cjOrderId") or params.get("orderId")),
            order_status=text(params.get("orderStatus")).upper(),
            tracking=(
                TrackingInfo(
                    tracking_number=text(params.get("trackNumber")),
                    carrier=text(params.get("logisticName")),
                    tracking_url=text(params.get("trackingUrl")),
                )
                if params.get("trackNumber")
                else None
            ),
        )
    if topic == "logistic":
        references = params.get("storeOrderNumbers") or []
        code = integer(params.get("trackingStatus"))
        return WebhookEvent(
            **base,
            order_reference=text(references[0]) if references else "",
            order_id=text(params.get("orderId")),
            tracking=TrackingInfo(
                tracking_number=text(params.get("trackingNumber")),
                carrier=text(params.get("trackingProvider") or params.get("logisticName")),
                status=TRACKING_STATUS_TEXT.get(code, text(params.get("trackingStatus"))) if code is not None else "",
                delivered=code == DELIVERED_TRACKING_STATUS,
                tracking_url=text(params.get("trackingUrl")),
                events=track_events(params.get("logisticsTrackEvents")),
            ),
        )
    return WebhookEvent(**base)


def _stock_levels(params: dict[str, Any]) -> tuple[StockLevel, ...]:
    """STOCK params: {vid: [{vid, areaId, areaEn, countryCode, storageNum}]} (area totals only)."""
    levels = []
    for vid, rows in params.items():
        if not isinstance(rows, list):
            continue
        warehouses = tuple(
            WarehouseStock(
                country_code=text(row.get("countryCode")).upper(),
                quantity=max(integer(row.get("storageNum", row.get("totalInventoryNum"))) or 0, 0),
                area=text(row.get("areaEn")),
            )
            for row in rows
            if isinstance(row, dict)
        )
        levels.append(StockLevel(variant_id=text(vid), warehouses=warehouses))
    return tuple(levels)
