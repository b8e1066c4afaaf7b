"""CJ's logistics endpoints: freight quotes (`logistic/freightCalculate`) and tracking (`logistic/trackInfo`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ..state import COUNTRY_NAMES, STATE
from .envelope import CJFailure, require


def freight_calculate(request: HttpRequest, body: dict[str, Any]) -> Any:
    require(body, ("startCountryCode", "endCountryCode", "products"))
    to_country = str(body["endCountryCode"]).upper()
    if to_country not in COUNTRY_NAMES:
        raise CJFailure(1605002, "Country code is unknown")
    weight = 0
    with STATE.lock:
        for item in body["products"]:
            variant = STATE.variants.get(str(item.get("vid", "")))
            if variant is None:
                raise CJFailure(1602000, "Variant not found")
            weight += variant.weight * int(item.get("quantity") or 1)
    return STATE.freight_options(weight, to_country)


def track_info(request: HttpRequest, params: dict[str, Any]) -> Any:
    numbers = [n for value in request.GET.getlist("trackNumber") for n in value.split(",") if n]
    if not numbers:
        raise CJFailure(16900403, "trackNumber can not be empty")
    rows = []
    with STATE.lock:
        by_number = {o.track_number: o for o in STATE.orders.values() if o.track_number}
        for number in numbers:
            order = by_number.get(number)
            if order is None:
                continue
            _, status_text = STATE.tracking_status(order)
            rows.append(
                {
                    "trackingNumber": number,
                    "logisticName": order.logistic_name,
                    "trackingFrom": order.from_country,
                    "trackingTo": order.shipping.get("shippingCountryCode"),
                    "deliveryDay": "",
                    "deliveryTime": order.track_events[-1]["eventTime"] if order.status == "DELIVERED" else "",
                    "trackingStatus": status_text,
                    "lastMileCarrier": "USPS",
                    "lastTrackNumber": f"9400{int(order.order_id) % 10**18:018d}",
                }
            )
    return rows
