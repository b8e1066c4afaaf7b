"""An in-memory supplier implementing the protocol, for app tests that are not about HTTP.

Tests of the CJ client itself use `responses`; integration and browser tests use
the CJ sandbox over real HTTP. Install with the `fake_supplier` fixture.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from decimal import Decimal

from nexusone.suppliers.base import (
    CategoryNode,
    OrderLineRequest,
    OrderRequest,
    ProductPage,
    ProductSummary,
    ShippingQuote,
    StockLevel,
    SupplierCircuitOpen,
    SupplierNotFound,
    SupplierOrder,
    SupplierOutcomeUnknown,
    SupplierProduct,
    SupplierRejected,
    SupplierUnavailable,
    SupplierVariant,
    TrackingEvent,
    TrackingInfo,
    WarehouseStock,
    WebhookEvent,
)


def order_number(reference: str) -> str:
    """CJ's orderNumber for a store reference: our order id (tests name orders by their reference)."""
    from orders.models import Order

    order = Order.objects.filter(reference=reference).order_by("created_at").first()
    return str(order.pk) if order is not None else reference


class OrdersByNumber(dict):
    """CJ's orders by orderNumber; a test may also look one up by the store's reference."""

    def __missing__(self, key: str) -> SupplierOrder:
        number = order_number(key)
        if number != key and number in self:
            return self[number]
        raise KeyError(key)


@dataclass
class FakeSupplier:
    code: str = "cj"
    products: dict[str, SupplierProduct] = field(default_factory=dict)
    stock: dict[str, int] = field(default_factory=dict)  # vid -> quantity (one CN warehouse)
    orders: dict[str, SupplierOrder] = field(default_factory=OrdersByNumber)  # by orderNumber (our order id)
    tracking: dict[str, TrackingInfo] = field(default_factory=dict)
    fail_products: set[str] = field(default_factory=set)  # pids whose calls raise SupplierUnavailable
    fail_times: dict[str, int] = field(default_factory=dict)  # pid -> how many more calls fail, then succeed
    warehouses: dict[str, dict[str, int]] = field(default_factory=dict)  # vid -> {country: qty}, beats `stock`
    calls: list[tuple[str, object]] = field(default_factory=list)
    categories: list[CategoryNode] = field(default_factory=list)  # the tree list_categories answers
    webhook_key: str = "284517903"
    # Order-flow faults: "unknown" records the order then raises SupplierOutcomeUnknown (a timeout after
    # sending); "unknown_unsent" raises it without recording; "circuit_open" fails fast; "rejected" refuses.
    create_fault: str = ""
    order_status: str = "CREATED"  # status of newly created orders (UNSHIPPED: paid from balance)
    cancel_allowed: bool = True
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    # --- test helpers -------------------------------------------------------------
    def add_product(
        self,
        pid: str,
        *,
        name: str = "",
        cost: str = "4.00",
        variants: int = 2,
        stock: int = 20,
        category_id: str = "",
    ) -> SupplierProduct:
        variant_list = []
        for i in range(variants):
            vid = f"{pid}-V{i + 1}"
            variant_list.append(
                SupplierVariant(
                    variant_id=vid,
                    product_id=pid,
                    sku=f"SKU-{pid}-{i + 1}",
                    name=f"{name or pid} {i + 1}",
                    cost_price=Decimal(cost),
                    attributes={"Color": f"C{i + 1}"},
                )
            )
            self.stock[vid] = stock
        product = SupplierProduct(
            product_id=pid,
            name=name or f"Product {pid}",
            sku=f"SKU-{pid}",
            cost_price=Decimal(cost),
            image_url=f"https://img.example/{pid}.jpg",
            category_name="Home",
            category_id=category_id,
            variants=tuple(variant_list),
        )
        self.products[pid] = product
        return product

    def set_cost(self, pid: str, cost: str) -> None:
        product = self.products[pid]
        variants = tuple(replace(v, cost_price=Decimal(cost)) for v in product.variants)
        self.products[pid] = replace(product, cost_price=Decimal(cost), variants=variants)

    def sign(self, body: bytes) -> str:
        return base64.b64encode(hmac.new(self.webhook_key.encode(), body, hashlib.sha256).digest()).decode()

    def _check(self, pid: str) -> None:
        if pid in self.fail_products:
            raise SupplierUnavailable(f"injected failure for {pid}")
        if self.fail_times.get(pid, 0) > 0:
            self.fail_times[pid] -= 1
            raise SupplierUnavailable(f"injected transient failure for {pid}")

    # --- the protocol ---------------------------------------------------------------
    def search_products(
        self, keyword: str = "", *, category_id: str = "", page: int = 1, page_size: int = 20
    ) -> ProductPage:
        self.calls.append(("search_products", keyword))
        found = [
            p
            for p in self.products.values()
            if keyword.lower() in p.name.lower() and category_id in ("", p.category_id)
        ]
        chunk = found[(page - 1) * page_size : page * page_size]
        items = tuple(
            ProductSummary(
                p.product_id,
                p.name,
                p.sku,
                p.image_url,
                str(p.cost_price),
                category_id=p.category_id,
                inventory=sum(self.stock.get(v.variant_id, 0) for v in p.variants),
            )
            for p in chunk
        )
        return ProductPage(items=items, page=page, page_size=page_size, total=len(found))

    def list_categories(self) -> list[CategoryNode]:
        self.calls.append(("list_categories", None))
        return list(self.categories)

    def get_product(self, product_id: str) -> SupplierProduct:
        self.calls.append(("get_product", product_id))
        self._check(product_id)
        try:
            return self.products[product_id]
        except KeyError:
            raise SupplierNotFound(f"product {product_id} not found", code=1602001) from None

    def get_product_stock(self, product_id: str) -> dict[str, StockLevel]:
        self.calls.append(("get_product_stock", product_id))
        self._check(product_id)
        product = self.products.get(product_id)
        if product is None:
            raise SupplierNotFound(f"product {product_id} not found", code=1602001)
        return {v.variant_id: self._level(v.variant_id) for v in product.variants}

    def _level(self, vid: str) -> StockLevel:
        if vid in self.warehouses:
            return StockLevel(vid, tuple(WarehouseStock(c, q) for c, q in self.warehouses[vid].items()))
        return StockLevel(vid, (WarehouseStock("CN", self.stock.get(vid, 0), "China Warehouse"),))

    def get_stock(self, variant_ids: list[str]) -> dict[str, StockLevel]:
        self.calls.append(("get_stock", tuple(variant_ids)))
        return {vid: self._level(vid) for vid in variant_ids}

    def quote_shipping(
        self, lines: list[OrderLineRequest], *, to_country_code: str, from_country_code: str = "CN"
    ) -> list[ShippingQuote]:
        self.calls.append(("quote_shipping", to_country_code))
        units = sum(line.quantity for line in lines)
        return [
            ShippingQuote("CJPacket Ordinary", Decimal("4.50") + units, days="7-15"),
            ShippingQuote("USPS+", Decimal("8.90") + units, days="4-8"),
        ]

    def create_order(self, order: OrderRequest) -> SupplierOrder:
        self.calls.append(("create_order", order.reference))
        if self.create_fault == "circuit_open":
            raise SupplierCircuitOpen("circuit open for cj")
        if self.create_fault == "unknown_unsent":
            raise SupplierOutcomeUnknown("read timed out")
        if self.create_fault == "rejected":
            raise SupplierRejected("Logistic is invalid", code=1605001)
        if order.reference in self.orders:
            raise SupplierRejected("order already exists", code=1603003)
        created = SupplierOrder(
            order_id=f"26100109301200{next(self._ids):04d}",
            reference=order.reference,
            status="UNSHIPPED" if order.pay_from_balance else self.order_status,
            logistic_name=order.shipping_method,
        )
        self.orders[order.reference] = created
        if self.create_fault == "unknown":
            raise SupplierOutcomeUnknown("read timed out after sending")
        return created

    def set_order_status(self, reference: str, status: str, tracking_number: str = "") -> SupplierOrder:
        reference = order_number(reference) if reference not in self.orders else reference
        order = self.orders[reference]
        numbers = (tracking_number,) if tracking_number else order.tracking_numbers
        self.orders[reference] = replace(order, status=status, tracking_numbers=numbers)
        return self.orders[reference]

    def create_calls(self, reference: str | None = None) -> int:
        number = order_number(reference) if reference else None
        return sum(1 for name, arg in self.calls if name == "create_order" and number in (None, arg))

    def find_order(self, reference: str) -> SupplierOrder | None:
        self.calls.append(("find_order", reference))
        return self.orders.get(reference)

    def get_order(self, order_id: str) -> SupplierOrder:
        self.calls.append(("get_order", order_id))
        for order in self.orders.values():
            if order.order_id == order_id:
                return order
        raise SupplierNotFound(f"order {order_id} not found", code=1603100)

    def cancel_order(self, order_id: str) -> bool:
        self.calls.append(("cancel_order", order_id))
        order = self.get_order(order_id)
        if not self.cancel_allowed or order.status not in ("CREATED", "IN_CART", "UNPAID"):
            return False
        self.orders[order.reference] = replace(order, status="CANCELLED")
        return True

    def get_tracking(self, tracking_numbers: list[str]) -> list[TrackingInfo]:
        self.calls.append(("get_tracking", tuple(tracking_numbers)))
        return [self.tracking[n] for n in tracking_numbers if n in self.tracking]

    def verify_webhook(self, raw_body: bytes, headers: dict[str, str]) -> bool:
        return hmac.compare_digest(self.sign(raw_body), headers.get("sign", ""))

    def parse_webhook(self, raw_body: bytes) -> WebhookEvent:
        """CJ's message shapes (CJ_API.md §10.4) normalised as the real client does."""
        message = json.loads(raw_body)
        topic = message["type"].lower()
        params = message.get("params") or {}
        extra: dict = {}
        if topic == "order":
            tracking = None
            if params.get("trackNumber"):
                tracking = TrackingInfo(
                    tracking_number=params["trackNumber"],
                    carrier=params.get("logisticName") or "",
                    tracking_url=params.get("trackingUrl") or "",
                    delivered=(params.get("orderStatus") or "").upper() == "DELIVERED",
                )
            extra = {
                "order_reference": params.get("orderNumber") or params.get("orderNum") or "",
                "order_id": str(params.get("cjOrderId") or ""),
                "order_status": params.get("orderStatus") or "",
                "tracking": tracking,
            }
        elif topic in ("logistic", "logistics"):
            raw_events = params.get("logisticsTrackEvents") or "[]"
            events = tuple(
                TrackingEvent(
                    occurred_at=datetime.strptime(e["eventTime"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC),
                    status=str(e.get("statusDesc") or e.get("status") or ""),
                    description=e.get("activity") or "",
                    location=e.get("location") or "",
                )
                for e in (json.loads(raw_events) if isinstance(raw_events, str) else raw_events)
            )
            numbers = params.get("storeOrderNumbers") or []
            extra = {
                "order_reference": numbers[0] if numbers else "",
                "order_id": str(params.get("orderId") or ""),
                "tracking": TrackingInfo(
                    tracking_number=params.get("trackingNumber") or "",
                    carrier=params.get("trackingProvider") or params.get("logisticName") or "",
                    tracking_url=params.get("trackingUrl") or "",
                    status=str(params.get("trackingStatus", "")),
                    delivered=params.get("trackingStatus") == 12,
                    events=events,
                ),
            }
        elif topic == "product":
            extra = {"product_id": params.get("pid") or ""}
        return WebhookEvent(
            message_id=message["messageId"],
            topic=topic,
            action=message.get("messageType", ""),
            payload=params,
            **extra,
        )


def now() -> datetime:
    return datetime.now(UTC)
