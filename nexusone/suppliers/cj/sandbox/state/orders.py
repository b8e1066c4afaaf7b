"""Sandbox orders: CJ's status flow, order payloads, paying (stock taken) and ORDER webhooks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from ..catalog import SandboxVariant
from .common import cj_date, money, now_utc

# CJ's order statuses, in the order an order moves through them.
ORDER_FLOW = ["CREATED", "IN_CART", "UNPAID", "UNSHIPPED", "SHIPPED", "DELIVERED"]


@dataclass
class SandboxOrder:
    order_id: str
    cj_order_code: str
    order_number: str
    status: str
    shipping: dict[str, Any]
    logistic_name: str
    from_country: str
    lines: list[dict[str, Any]]
    product_amount: Decimal
    postage_amount: Decimal
    is_sandbox: int
    created_at: datetime
    shipment_order_id: str | None = None
    paid_at: datetime | None = None
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    track_number: str = ""
    track_events: list[dict[str, Any]] = field(default_factory=list)
    is_complete: int = 0

    @property
    def order_amount(self) -> Decimal:
        return self.product_amount + self.postage_amount


class OrdersMixin:
    """SandboxState's orders; `orders` and the order sequence are set by its reset()."""

    orders: dict[str, SandboxOrder]
    variants: dict[str, SandboxVariant]

    def next_order_ids(self) -> tuple[str, str]:
        with self.lock:
            self._order_seq += 1
            stamp = now_utc().strftime("%y%m%d%H%M")
            return f"{stamp}{self._order_seq:08d}", f"SD{stamp}{self._order_seq:04d}"

    def find_order(self, key: str) -> SandboxOrder | None:
        with self.lock:
            order = self.orders.get(key)
            if order is not None:
                return order
            for candidate in self.orders.values():
                if key in (candidate.order_number, candidate.cj_order_code):
                    return candidate
            return None

    def order_by_number(self, order_number: str) -> SandboxOrder | None:
        with self.lock:
            return next((o for o in self.orders.values() if o.order_number == order_number), None)

    def order_payload(self, order: SandboxOrder, *, detail: bool) -> dict[str, Any]:
        data: dict[str, Any] = {
            "orderId": order.order_id,
            "orderNum": order.order_number,
            "cjOrderId": order.order_id,
            "shippingCountryCode": order.shipping.get("shippingCountryCode"),
            "shippingProvince": order.shipping.get("shippingProvince"),
            "shippingCity": order.shipping.get("shippingCity"),
            "shippingAddress": order.shipping.get("shippingAddress"),
            "shippingCustomerName": order.shipping.get("shippingCustomerName"),
            "shippingPhone": order.shipping.get("shippingPhone"),
            "remark": order.shipping.get("remark"),
            "logisticName": order.logistic_name,
            "trackNumber": order.track_number or None,
            "trackingUrl": f"https://www.17track.net/en/track?nums={order.track_number}"
            if order.track_number
            else None,
            "orderWeight": sum(
                self.variants[line["vid"]].weight * line["quantity"]
                for line in order.lines
                if line["vid"] in self.variants
            ),
            "orderAmount": money(order.order_amount),
            "productAmount": money(order.product_amount),
            "postageAmount": money(order.postage_amount),
            "orderStatus": order.status,
            "createDate": cj_date(order.created_at),
            "paymentDate": cj_date(order.paid_at),
            "storeCreateDate": cj_date(order.created_at),
            "storageId": None,
            "storageName": None,
        }
        if detail:
            data.update(
                {
                    "platformOrderId": None,
                    "cjOrderCode": order.cj_order_code,
                    "fromCountryCode": order.from_country,
                    "disputeId": None,
                    "outWarehouseTime": cj_date(order.shipped_at),
                    "isComplete": order.is_complete,
                    "subStatus": "PROCESSING" if order.status == "UNSHIPPED" else None,
                    "isSandbox": order.is_sandbox,
                    "productList": [
                        {
                            "vid": line["vid"],
                            "quantity": line["quantity"],
                            "sellPrice": money(line["price"]),
                            "storeLineItemId": line.get("storeLineItemId"),
                            "lineItemId": line["lineItemId"],
                            "podPropertiesInfo": None,
                        }
                        for line in order.lines
                    ],
                }
            )
        return data

    def advance_order(self, order: SandboxOrder, target: str | None = None) -> SandboxOrder:
        """Move an order one step along CJ's flow (or up to `target`); pushes ORDER/LOGISTIC webhooks."""
        if order.status in ("CANCELLED", "DELIVERED"):
            raise ValueError(f"order is {order.status} and cannot move on")
        current = ORDER_FLOW.index(order.status)
        goal = ORDER_FLOW.index(target) if target else current + 1
        if goal <= current:
            raise ValueError(f"order is already {order.status}")
        for status in ORDER_FLOW[current + 1 : goal + 1]:
            self._enter_status(order, status)
        return order

    def _enter_status(self, order: SandboxOrder, status: str) -> None:
        with self.lock:
            now = now_utc()
            order.status = status
            deducted: list[str] = []
            if status == "UNSHIPPED":
                order.paid_at = order.paid_at or now
                if not order.shipment_order_id:
                    order.shipment_order_id = f"SP{order.order_id}"
                deducted = self._deduct_stock(order)
            elif status == "SHIPPED":
                self._record_shipment(order, now)
            elif status == "DELIVERED":
                self._record_delivery(order, now)
        self.push_order(order)
        for vid in deducted:
            self._push_stock(self.variants[vid])
        if status in ("SHIPPED", "DELIVERED"):
            self.push_logistic(order)

    def _deduct_stock(self, order: SandboxOrder) -> list[str]:
        """A paid order takes its quantities from the ship-from warehouse (CJ's stock first, then factory)."""
        changed = []
        for line in order.lines:
            variant = self.variants.get(line["vid"])
            if variant is None:
                continue
            country = order.from_country if order.from_country in variant.stock else next(iter(variant.stock), "CN")
            cj, factory = variant.stock.get(country, (0, 0))
            take_cj = min(cj, line["quantity"])
            take_factory = min(factory, line["quantity"] - take_cj)
            variant.stock[country] = (cj - take_cj, factory - take_factory)
            changed.append(variant.vid)
        return changed

    def push_order(self, order: SandboxOrder) -> None:
        self.push(
            "order",
            "ORDER",
            "UPDATE",
            {
                "cjOrderId": order.order_id,
                "orderNumber": order.order_number,
                "orderNum": order.order_number,
                "orderStatus": order.status,
                "logisticName": order.logistic_name,
                "trackNumber": order.track_number or None,
                "trackingUrl": None,
                "createDate": cj_date(order.created_at),
                "updateDate": cj_date(now_utc()),
                "payDate": cj_date(order.paid_at),
                "deliveryDate": cj_date(order.shipped_at),
                "completeDate": cj_date(order.delivered_at),
                "privateOutboundOrder": None,
                "orderItems": [
                    {
                        "vid": line["vid"],
                        "quantity": line["quantity"],
                        "sellPrice": money(line["price"]),
                        "lineItemId": line["lineItemId"],
                        "storeLineItemId": line.get("storeLineItemId"),
                        "productionOrderStatus": None,
                        "abnormalType": [],
                    }
                    for line in order.lines
                ],
            },
        )
