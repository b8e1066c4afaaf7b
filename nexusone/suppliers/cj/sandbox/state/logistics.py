"""Shipping and tracking in the sandbox: freight options, tracking events, LOGISTIC webhooks."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .common import cj_date, money

if TYPE_CHECKING:
    from .orders import SandboxOrder

LOGISTICS = [
    # (logisticName, aging, base USD, USD per 100 g)
    ("CJPacket Ordinary", "7-15", Decimal("3.20"), Decimal("0.62")),
    ("USPS+", "4-8", Decimal("5.10"), Decimal("0.95")),
    ("CJPacket Sensitive", "10-20", Decimal("2.60"), Decimal("0.55")),
]
TRACK_STEPS = [
    # (trackingStatus, statusDesc, activity, location)
    (1, "Left CJ warehouse", "Parcel left the CJ warehouse", "Yiwu, CN"),
    (5, "In international transit", "Departed from the origin airport", "Shanghai, CN"),
    (6, "Arrived in destination country", "Arrived at the destination hub", "Los Angeles, US"),
    (8, "Customs cleared", "Customs clearance completed", "Los Angeles, US"),
    (10, "Out for delivery", "Out for delivery", "Local facility"),
]


class LogisticsMixin:
    """SandboxState's freight quotes and parcel tracking."""

    def freight_options(self, weight: int, to_country: str) -> list[dict[str, Any]]:
        options = []
        for name, aging, base, per_100g in LOGISTICS:
            if name == "USPS+" and to_country != "US":
                continue
            price = (base + per_100g * Decimal(weight) / 100).quantize(Decimal("0.01"))
            options.append(
                {
                    "logisticName": name,
                    "logisticAging": aging,
                    "logisticPrice": money(price),
                    "logisticPriceCn": money(price * Decimal("7.10")),
                    "taxesFee": 0,
                    "clearanceOperationFee": 0,
                    "totalPostageFee": money(price),
                }
            )
        return options

    def _record_shipment(self, order: SandboxOrder, now: datetime) -> None:
        """Leaving the warehouse: a tracking number and the first two events."""
        order.shipped_at = now
        if not order.track_number:
            order.track_number = f"CJPKL{int(order.order_id) % 10**10:010d}YQ"
        order.track_events = [
            self._track_event(code, desc, activity, location, now - timedelta(hours=6 * (1 - i)))
            for i, (code, desc, activity, location) in enumerate(TRACK_STEPS[:2])
        ]

    def _record_delivery(self, order: SandboxOrder, now: datetime) -> None:
        """At the door: every step of the way, then the delivery itself."""
        order.delivered_at = now
        order.is_complete = 1
        steps = len(TRACK_STEPS)
        order.track_events = [
            self._track_event(code, desc, activity, location, now - timedelta(hours=6 * (steps - i)))
            for i, (code, desc, activity, location) in enumerate(TRACK_STEPS)
        ]
        order.track_events.append(
            self._track_event(
                12, "Delivered", "Delivered to the recipient", order.shipping.get("shippingCity") or "", now
            )
        )

    @staticmethod
    def _track_event(code: int, desc: str, activity: str, location: str, at: datetime) -> dict[str, Any]:
        return {
            "status": code,
            "statusDesc": desc,
            "activity": activity,
            "location": location,
            "eventTime": cj_date(at),
            "thirdActivity": None,
            "thirdLocation": None,
            "thirdEventTime": None,
        }

    def tracking_status(self, order: SandboxOrder) -> tuple[int, str]:
        if order.status == "DELIVERED":
            return 12, "Delivered"
        if order.track_events:
            return order.track_events[-1]["status"], "In transit"
        return 0, "No information yet"

    def push_logistic(self, order: SandboxOrder) -> None:
        code, _ = self.tracking_status(order)
        self.push(
            "logistics",
            "LOGISTIC",
            "UPDATE",
            {
                "orderId": order.order_id,
                "storeOrderNumbers": [order.order_number],
                "logisticName": order.logistic_name,
                "trackingNumber": order.track_number,
                "trackingUrl": None,
                "trackingProvider": "USPS" if order.logistic_name == "USPS+" else "CJPacket",
                "trackingStatus": code,
                "logisticsTrackEvents": json.dumps(order.track_events, separators=(",", ":")),
            },
        )
