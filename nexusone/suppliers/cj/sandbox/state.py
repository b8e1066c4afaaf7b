"""The sandbox's in-memory state: catalog, tokens, orders, faults, webhooks. Thread-safe.

One process-wide `STATE`; `STATE.reset()` restores the seeded catalog. Payload
builders here spell every field exactly as CJ does (CJ_API.md).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import random
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import requests
from django.conf import settings

from .catalog import PRODUCT_COUNT, SEED, WAREHOUSES, SandboxProduct, SandboxVariant, build_catalog
from .qps import ArrivalWindow

logger = logging.getLogger(__name__)

OPEN_ID = 284517903  # the sandbox's single CJ account; also the webhook signing key
CHINA = timezone(timedelta(hours=8))  # CJ writes token dates with +08:00
ACCESS_LIFETIME = timedelta(days=15)
REFRESH_LIFETIME = timedelta(days=180)

# CJ's order statuses, in the order an order moves through them.
ORDER_FLOW = ["CREATED", "IN_CART", "UNPAID", "UNSHIPPED", "SHIPPED", "DELIVERED"]

# Points per call (CJ_API.md §3); everything else costs 0.
POINTS = {
    "product/listV2": 50,
    "product/list": 50,
    "product/query": 10,
    "product/variant/query": 10,
    "product/variant/queryByVid": 10,
    "product/stock/queryByVid": 10,
    "product/stock/queryBySku": 10,
    "product/stock/getInventoryByPid": 10,
    "logistic/freightCalculate": 10,
    "logistic/freightCalculateTip": 10,
    "webhook/product/subscribe": 10,
    "webhook/product/unsubscribe": 10,
}

FAULT_KINDS = {"rate_limit", "points", "server_error", "timeout", "invalid_token", "busy"}

LOGISTICS = [
    # (logisticName, aging, base USD, USD per 100 g)
    ("CJPacket Ordinary", "7-15", Decimal("3.20"), Decimal("0.62")),
    ("USPS+", "4-8", Decimal("5.10"), Decimal("0.95")),
    ("CJPacket Sensitive", "10-20", Decimal("2.60"), Decimal("0.55")),
]
COUNTRY_NAMES = {
    "US": "United States",
    "GB": "United Kingdom",
    "DE": "Germany",
    "FR": "France",
    "CA": "Canada",
    "AU": "Australia",
    "CN": "China",
    "ES": "Spain",
    "IT": "Italy",
    "NL": "Netherlands",
}
TRACK_STEPS = [
    # (trackingStatus, statusDesc, activity, location)
    (1, "Left CJ warehouse", "Parcel left the CJ warehouse", "Yiwu, CN"),
    (5, "In international transit", "Departed from the origin airport", "Shanghai, CN"),
    (6, "Arrived in destination country", "Arrived at the destination hub", "Los Angeles, US"),
    (8, "Customs cleared", "Customs clearance completed", "Los Angeles, US"),
    (10, "Out for delivery", "Out for delivery", "Local facility"),
]


def now_utc() -> datetime:
    return datetime.now(UTC)


def cj_date(value: datetime | None) -> str | None:
    """Order dates: `yyyy-MM-dd HH:mm:ss` in UTC."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if value else None


def money(value: Decimal) -> float:
    """CJ sends money as JSON numbers with two decimals."""
    return float(value.quantize(Decimal("0.01")))


@dataclass
class Fault:
    path: str  # a CJ path ("product/query") or "*"
    kind: str
    remaining: int = 1  # how many calls it hits; -1: until cleared
    status: int | None = None  # HTTP status for rate_limit (200 or 429) and server_error (500, 502, 503)
    seconds: float = 5.0  # timeout: how long the answer is held back
    retry_after: int | None = None
    apply: bool = False  # server_error: perform the call first, then answer with the error

    def describe(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "remaining": self.remaining,
            "status": self.status,
            "seconds": self.seconds,
            "retry_after": self.retry_after,
            "apply": self.apply,
        }


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


@dataclass
class Delivery:
    url: str
    topic: str
    message_id: str
    status: int | None
    error: str = ""
    attempt: int = 1


class SandboxState:
    def __init__(self, product_count: int = PRODUCT_COUNT) -> None:
        self.lock = threading.RLock()
        self.product_count = product_count
        self.arrivals = ArrivalWindow()  # the sandbox has one account (one API key): one window of its calls
        self.reset()

    # --- set-up -------------------------------------------------------------------------
    def reset(self) -> None:
        with self.lock:
            self.products, self.categories = build_catalog(count=self.product_count)
            self.variants: dict[str, SandboxVariant] = {v.vid: v for p in self.products.values() for v in p.variants}
            # A reset starts a new token generation; the first life of the process is generation 0.
            self.token_generation: int = getattr(self, "token_generation", -1) + 1
            self.revoked_tokens: set[str] = set()
            self.orders: dict[str, SandboxOrder] = {}
            self.faults: list[Fault] = []
            self.qps: float = 0.0  # 0: not enforced
            self.arrivals.clear()
            self.token_call_interval: float = 0.0  # seconds between getAccessToken calls; 0: not enforced
            self.last_token_call: float | None = None
            self.daily_points: int = 0  # 0: unlimited
            self.points_used = 0
            self.webhooks: dict[str, dict[str, Any]] = {}  # topic -> {"type", "callbackUrls"}
            # Push every topic here, subscribed or not (control/state, or the setting for the in-process demo).
            self.webhook_url_override: str = getattr(settings, "CJ_SANDBOX_WEBHOOK_URL", "")
            self.subscribed: set[str] = set()
            self.deliveries: list[Delivery] = []
            self.deliver_synchronously = False
            self.webhook_retries = 0  # CJ retries a failed delivery up to 3 times, 5 minutes apart
            self.webhook_retry_delay = 300.0
            self.stats = {"calls": 0, "rate_limited": 0, "by_path": {}}
            self._order_seq = 0
            self.rng = random.Random(SEED + 1)  # noqa: S311 - repeatable catalog movements, not a secret

    # --- tokens --------------------------------------------------------------------------
    # Tokens are signed (kind, expiry, reset generation) rather than only remembered, so the
    # tokens a client stored stay valid when the demo's web process restarts, as CJ's would.
    # A reset() starts a new generation: every earlier token is refused from then on.
    def _token(self, kind: str, expiry: datetime) -> str:
        body = f"{kind}.{int(expiry.timestamp())}.{secrets.token_hex(8)}"
        return f"{body}.{self._token_signature(body)}"

    def _token_signature(self, body: str) -> str:
        key = f"{settings.SECRET_KEY}:cj-sandbox:{self.token_generation}".encode()
        return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()[:32]

    def _token_expiry(self, token: str, kind: str) -> datetime | None:
        """The expiry a token of `kind` carries, when its signature holds and it was not revoked."""
        body, _, signature = token.rpartition(".")
        parts = body.split(".")
        if token in self.revoked_tokens or len(parts) != 3 or parts[0] != kind or not parts[1].isdigit():
            return None
        if not hmac.compare_digest(signature, self._token_signature(body)):
            return None
        return datetime.fromtimestamp(int(parts[1]), tz=UTC)

    def issue_tokens(self, *, with_open_id: bool) -> dict[str, Any]:
        created = now_utc()
        access = self._token("a", created + ACCESS_LIFETIME)
        refresh = self._token("r", created + REFRESH_LIFETIME)
        data: dict[str, Any] = {
            "accessToken": access,
            "accessTokenExpiryDate": (created + ACCESS_LIFETIME).astimezone(CHINA).isoformat(timespec="seconds"),
            "refreshToken": refresh,
            "refreshTokenExpiryDate": (created + REFRESH_LIFETIME).astimezone(CHINA).isoformat(timespec="seconds"),
            "createDate": created.astimezone(CHINA).isoformat(timespec="seconds"),
        }
        if with_open_id:
            data = {"openId": OPEN_ID, **data}
        return data

    def token_valid(self, token: str) -> bool:
        expiry = self._token_expiry(token, "a")
        return expiry is not None and expiry > now_utc()

    def use_refresh_token(self, token: str) -> bool:
        """True once per valid refresh token (CJ's refresh is assumed to retire the old pair)."""
        expiry = self._token_expiry(token, "r")
        if expiry is None or expiry <= now_utc():
            return False
        self.revoked_tokens.add(token)
        return True

    def revoke_token(self, token: str) -> None:
        self.revoked_tokens.add(token)

    def revoke_all_tokens(self) -> None:
        self.token_generation += 1
        self.revoked_tokens.clear()

    # --- faults and limits --------------------------------------------------------------------
    def take_fault(self, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.path in (path, "*") and fault.remaining != 0:
                    if fault.remaining > 0:
                        fault.remaining -= 1
                    return fault
            return None

    def take_rate_token(self) -> bool:
        """Admit a call arriving now under the account's QPS (a strict sliding window): False means 1600200."""
        if self.arrivals.admit(self.qps):
            return True
        with self.lock:
            self.stats["rate_limited"] += 1
        return False

    def count_call(self, path: str) -> None:
        with self.lock:
            self.stats["calls"] += 1
            self.stats["by_path"][path] = self.stats["by_path"].get(path, 0) + 1

    def spend_points(self, path: str) -> dict[str, int] | None:
        """Charge the call's points; the points info when the day's budget is used up."""
        cost = POINTS.get(path, 0)
        with self.lock:
            if self.daily_points and cost and self.points_used + cost > self.daily_points:
                return {
                    "usedToday": self.points_used,
                    "remaining": self.daily_points - self.points_used,
                    "total": self.daily_points,
                }
            self.points_used += cost
            return None

    # --- catalog payloads ------------------------------------------------------------------
    def product(self, pid: str) -> SandboxProduct | None:
        return self.products.get(pid) or self.products.get(pid.upper())

    def list_v2_item(self, product: SandboxProduct, image_url: str, features: set[str]) -> dict[str, Any]:
        first, second, third = product.category_path
        item: dict[str, Any] = {
            "id": product.pid,
            "nameEn": product.name_en,
            "sku": product.sku,
            "spu": product.sku,
            "bigImage": image_url,
            "sellPrice": product.sell_price_label(),
            "nowPrice": product.sell_price_label(),
            "discountPrice": None,
            "discountPriceRate": None,
            "listedNum": product.listed_num,
            "categoryId": product.category_id,
            "oneCategoryId": None,
            "twoCategoryId": None,
            "addMarkStatus": 0,
            "isVideo": 0,
            "productType": "0",
            "supplierName": product.supplier_name,
            "createAt": product.created_ms,
            "warehouseInventoryNum": product.inventory(),
            "totalVerifiedInventory": product.inventory({"CN"}),
            "totalUnVerifiedInventory": product.inventory() - product.inventory({"CN"}),
            "verifiedWarehouse": 1,
            "myProduct": False,
            "currency": "USD",
            "deliveryCycle": "3-7",
            "saleStatus": "3" if product.on_sale else "2",
        }
        if "enable_category" in features:
            item.update({"oneCategoryName": first, "twoCategoryName": second, "threeCategoryName": third})
        if "enable_description" in features:
            item["description"] = product.description
        return item

    def variant_payload(
        self, variant: SandboxVariant, image_url: str, *, with_inventory: bool = False
    ) -> dict[str, Any]:
        data: dict[str, Any] = {
            "vid": variant.vid,
            "pid": variant.pid,
            "variantName": None,
            "variantNameEn": variant.name_en,
            "variantSku": variant.sku,
            "variantImage": image_url,
            "variantKey": variant.key,
            "variantStandard": f"long={variant.length},width={variant.width},height={variant.height}",
            "variantUnit": "unit(s)",
            "variantProperty": None,
            "variantLength": variant.length,
            "variantWidth": variant.width,
            "variantHeight": variant.height,
            "variantVolume": variant.length * variant.width * variant.height,
            "variantWeight": variant.weight,
            "variantSellPrice": money(variant.sell_price),
            "variantSugSellPrice": money(variant.suggested_price),
            "createTime": "2026-01-01 00:00:00",
            "combineNum": None,
            "combineVariants": None,
        }
        if with_inventory:
            data["inventories"] = self.variant_inventory_rows(variant)
        return data

    def variant_inventory_rows(self, variant: SandboxVariant) -> list[dict[str, Any]]:
        """Per-variant rows as CJ's 2026 pages spell them: no `Num` suffix."""
        rows = []
        for country, (cj, factory) in variant.stock.items():
            rows.append(
                {
                    "countryCode": country,
                    "totalInventory": cj + factory,
                    "cjInventory": cj,
                    "factoryInventory": factory,
                    "verifiedWarehouse": 1 if country == "CN" else 2,
                    "stock": [],
                }
            )
        return rows

    def area_rows(self, variant: SandboxVariant) -> list[dict[str, Any]]:
        """`product/stock/queryByVid` rows: one per warehouse area, with `Num` suffixes."""
        rows = []
        for area_id, area_en, country in WAREHOUSES:
            if country not in variant.stock:
                continue
            cj, factory = variant.stock[country]
            rows.append(
                {
                    "vid": variant.vid,
                    "areaId": area_id,
                    "areaEn": area_en,
                    "countryCode": country,
                    "totalInventoryNum": cj + factory,
                    "cjInventoryNum": cj,
                    "factoryInventoryNum": factory,
                    "storageNum": cj + factory,
                    "stock": [
                        {
                            "stockId": hashlib.md5(f"{variant.vid}{country}".encode()).hexdigest(),  # noqa: S324
                            "inventory": cj,
                            "factoryInventory": factory,
                        }
                    ],
                }
            )
        return rows

    def product_inventory(self, product: SandboxProduct) -> dict[str, Any]:
        inventories = []
        for area_id, area_en, country in WAREHOUSES:
            holders = [v for v in product.variants if country in v.stock]
            if not holders:
                continue
            cj = sum(v.stock[country][0] for v in holders)
            factory = sum(v.stock[country][1] for v in holders)
            inventories.append(
                {
                    "areaEn": area_en,
                    "areaId": area_id,
                    "countryCode": country,
                    "countryNameEn": COUNTRY_NAMES.get(country, country),
                    "totalInventoryNum": cj + factory,
                    "cjInventoryNum": cj,
                    "factoryInventoryNum": factory,
                }
            )
        return {
            "inventories": inventories,
            "variantInventories": [
                {"vid": v.vid, "inventory": self.variant_inventory_rows(v)} for v in product.variants
            ],
        }

    # --- stock and price changes -----------------------------------------------------------------
    def set_stock(self, vid: str, country: str, quantity: int, factory: int = 0) -> SandboxVariant:
        with self.lock:
            variant = self.variants[vid]
            variant.stock[country] = (quantity, factory)
        self._push_stock(variant)
        return variant

    def _push_stock(self, variant: SandboxVariant) -> None:
        vid = variant.vid
        self.push(
            "stock",
            "STOCK",
            "UPDATE",
            {
                vid: [
                    {
                        "vid": vid,
                        "areaId": area_id,
                        "areaEn": area_en,
                        "countryCode": code,
                        "storageNum": variant.total(code),
                    }
                    for area_id, area_en, code in WAREHOUSES
                    if code in variant.stock
                ]
            },
            product_id=variant.pid,
        )

    def set_price(self, vid: str, price: Decimal) -> SandboxVariant:
        with self.lock:
            variant = self.variants[vid]
            variant.sell_price = price
            product = self.products[variant.pid]
        self.push(
            "product",
            "VARIANT",
            "UPDATE",
            {
                "vid": vid,
                "variantSku": variant.sku,
                "variantKey": variant.key,
                "variantSellPrice": money(price),
                "variantStatus": 1 if variant.on_sale else 0,
                "variantName": None,
                "variantImage": None,
                "fields": ["variantSellPrice"],
            },
            product_id=variant.pid,
        )
        self.push(
            "product",
            "PRODUCT",
            "UPDATE",
            {
                "pid": product.pid,
                "productSellPrice": money(min(product.prices())),
                "productStatus": 3 if product.on_sale else 2,
                "productNameEn": None,
                "productDescription": None,
                "fields": ["productSellPrice"],
            },
            product_id=product.pid,
        )
        return variant

    def set_on_sale(self, pid: str, on_sale: bool) -> SandboxProduct:
        with self.lock:
            product = self.products[pid]
            product.on_sale = on_sale
        self.push(
            "product",
            "PRODUCT",
            "UPDATE",
            {
                "pid": pid,
                "productStatus": 3 if on_sale else 2,
                "productSellPrice": None,
                "productNameEn": None,
                "fields": ["productStatus"],
            },
            product_id=pid,
        )
        return product

    # --- orders ---------------------------------------------------------------------------------
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
                order.shipped_at = now
                if not order.track_number:
                    order.track_number = f"CJPKL{int(order.order_id) % 10**10:010d}YQ"
                order.track_events = [
                    self._track_event(code, desc, activity, location, now - timedelta(hours=6 * (1 - i)))
                    for i, (code, desc, activity, location) in enumerate(TRACK_STEPS[:2])
                ]
            elif status == "DELIVERED":
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

    def tick(self, changes: int = 10) -> list[dict[str, Any]]:
        """Simulate CJ's catalog moving: a few stock levels and prices change (seeded, so repeatable)."""
        done = []
        with self.lock:
            vids = sorted(self.variants)
            picks = [self.rng.choice(vids) for _ in range(changes)]
            plans = []
            for vid in picks:
                variant = self.variants[vid]
                if self.rng.random() < 0.7:
                    country = self.rng.choice(sorted(variant.stock) or ["CN"])
                    quantity = self.rng.choice([0, 2, 5, 30, 120, 480])
                    plans.append(("stock", vid, country, quantity))
                else:
                    factor = Decimal(self.rng.choice(["0.90", "0.95", "1.05", "1.10"]))
                    plans.append(("price", vid, "", (variant.sell_price * factor).quantize(Decimal("0.01"))))
        for kind, vid, country, value in plans:
            if kind == "stock":
                factory = self.variants[vid].stock.get(country, (0, 0))[1] if value else 0
                self.set_stock(vid, country, int(value), factory)
                done.append({"vid": vid, "countryCode": country, "quantity": int(value) + factory})
            else:
                self.set_price(vid, value)
                done.append({"vid": vid, "price": f"{value:.2f}"})
        return done

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

    # --- webhooks -----------------------------------------------------------------------------
    def callback_url(self, topic: str, product_id: str = "") -> str:
        with self.lock:
            if self.webhook_url_override:
                return self.webhook_url_override
            setting = self.webhooks.get(topic)
            if not setting or setting.get("type") != "ENABLE" or not setting.get("callbackUrls"):
                return ""
            if topic in ("product", "stock") and product_id not in self.subscribed:
                return ""  # CJ sends PRODUCT, VARIANT and STOCK only for subscribed products
            return setting["callbackUrls"][0]

    def push(self, topic: str, type_: str, message_type: str, params: dict[str, Any], product_id: str = "") -> None:
        url = self.callback_url(topic, product_id)
        if not url:
            return
        message = {
            "messageId": uuid.uuid4().hex,
            "type": type_,
            "messageType": message_type,
            "openId": OPEN_ID,
            "params": params,
        }
        body = json.dumps(message, separators=(",", ":")).encode()
        if self.deliver_synchronously:
            self._deliver(url, topic, message["messageId"], body)
        else:
            threading.Thread(target=self._deliver, args=(url, topic, message["messageId"], body), daemon=True).start()

    def _deliver(self, url: str, topic: str, message_id: str, body: bytes) -> None:
        """POST like CJ: answer 200 within 3 s, or the message is retried (up to `webhook_retries` more times)."""
        headers = {"Content-Type": "application/json", "sign": sign(body)}
        for attempt in range(1 + self.webhook_retries):
            if attempt:
                time.sleep(self.webhook_retry_delay)
            try:
                response = requests.post(url, data=body, headers=headers, timeout=3)
                delivery = Delivery(url, topic, message_id, response.status_code, attempt=attempt + 1)
            except requests.RequestException as exc:
                delivery = Delivery(url, topic, message_id, None, type(exc).__name__, attempt=attempt + 1)
                logger.info("sandbox webhook to %s failed: %s", url, type(exc).__name__)
            with self.lock:
                self.deliveries.append(delivery)
            if delivery.status == 200:
                return


def sign(body: bytes, open_id: int = OPEN_ID) -> str:
    """CJ's signature: Base64 of HMAC-SHA256 over the raw body, keyed by the openId's decimal string."""
    return base64.b64encode(hmac.new(str(open_id).encode(), body, hashlib.sha256).digest()).decode()


STATE = SandboxState()
