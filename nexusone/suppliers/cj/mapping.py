"""CJ payloads → supplier dataclasses, field names exactly as CJ_API.md documents them.

Pure functions: no HTTP, so each mapping is tested against CJ-shaped payloads.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from nexusone.suppliers.base import (
    CategoryNode,
    ProductPage,
    ProductSummary,
    ShippingQuote,
    StockLevel,
    SupplierOrder,
    SupplierProduct,
    SupplierVariant,
    TrackingEvent,
    TrackingInfo,
    WarehouseStock,
)

PRODUCT_URL = "https://www.cjdropshipping.com/product/{slug}-p-{pid}.html"
DELIVERED_TRACKING_STATUS = 12


def text(value: Any) -> str:
    """IDs and codes as strings, never through floats; None → ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def decimal(value: Any) -> Decimal | None:
    """A money value from a number, a string, or the low end of a range `"3.10 -- 4.25"`."""
    if value is None or value == "":
        return None
    raw = str(value).split("--")[0].strip()
    try:
        return Decimal(raw).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def integer(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(Decimal(str(value).split("-")[0].strip()))
    except (InvalidOperation, ValueError):
        return None


def first_image(value: Any) -> str:
    """`productImage` is a URL or, sometimes, a JSON-array string of URLs."""
    if isinstance(value, list):
        return text(value[0]) if value else ""
    raw = text(value).strip()
    if raw.startswith("["):
        try:
            items = json.loads(raw)
        except ValueError:
            return raw
        return text(items[0]) if items else ""
    return raw


def product_url(name: str, pid: str) -> str:
    slug = re.sub(r"\s+", "-", name.strip().lower())
    return PRODUCT_URL.format(slug=slug, pid=pid)


def cj_datetime(value: Any) -> datetime | None:
    """CJ dates: `yyyy-MM-dd HH:mm:ss` (UTC), ISO-8601 with an offset, or epoch milliseconds."""
    if value in (None, ""):
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    raw = str(value).strip()
    for parse in (
        lambda s: datetime.strptime(s, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC),
        datetime.fromisoformat,
    ):
        try:
            parsed = parse(raw)
        except ValueError:
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


# --- products ----------------------------------------------------------------------------
def product_page(data: dict[str, Any]) -> ProductPage:
    """`product/listV2`: products sit two levels down, in `content[].productList[]`."""
    items = []
    for block in data.get("content") or []:
        for item in block.get("productList") or []:
            items.append(
                ProductSummary(
                    product_id=text(item.get("id")),
                    name=text(item.get("nameEn")),
                    sku=text(item.get("sku") or item.get("spu")),
                    image_url=first_image(item.get("bigImage")),
                    price_label=text(item.get("sellPrice") or item.get("nowPrice")),
                    category_id=text(item.get("categoryId")),
                    inventory=integer(item.get("warehouseInventoryNum")),
                )
            )
    return ProductPage(
        items=tuple(items),
        page=integer(data.get("pageNumber")) or 1,
        page_size=integer(data.get("pageSize")) or len(items),
        total=integer(data.get("totalRecords")) or 0,
    )


def category_tree(data: list[dict[str, Any]]) -> list[CategoryNode]:
    """`product/getCategory`: first level → `categoryFirstList` → second level → `categorySecondList` → leaves.

    Leaves (`categoryId`, `categoryName`) are what listV2's `categoryId` takes; a leaf without an id is dropped."""
    tree = []
    for first in data or []:
        seconds = []
        for second in first.get("categoryFirstList") or []:
            leaves = tuple(
                CategoryNode(category_id=text(leaf.get("categoryId")), name=text(leaf.get("categoryName")))
                for leaf in second.get("categorySecondList") or []
                if text(leaf.get("categoryId"))
            )
            seconds.append(
                CategoryNode(
                    category_id=text(second.get("categorySecondId")),
                    name=text(second.get("categorySecondName")),
                    children=leaves,
                )
            )
        tree.append(
            CategoryNode(
                category_id=text(first.get("categoryFirstId")),
                name=text(first.get("categoryFirstName")),
                children=tuple(seconds),
            )
        )
    return tree


def _inventory_row(row: dict[str, Any]) -> WarehouseStock:
    """Per-variant inventory rows: read both `totalInventory` and `totalInventoryNum` spellings."""
    for name in ("totalInventory", "totalInventoryNum", "storageNum"):
        if row.get(name) is not None:
            total = integer(row[name]) or 0
            break
    else:
        cj = integer(row.get("cjInventory", row.get("cjInventoryNum"))) or 0
        factory = integer(row.get("factoryInventory", row.get("factoryInventoryNum"))) or 0
        total = cj + factory
    return WarehouseStock(
        country_code=text(row.get("countryCode")).upper(), quantity=max(total, 0), area=text(row.get("areaEn"))
    )


def stock_level(vid: str, rows: list[dict[str, Any]]) -> StockLevel:
    return StockLevel(variant_id=vid, warehouses=tuple(_inventory_row(row) for row in rows or []))


def variant_attributes(option_names: str, variant_key: str) -> dict[str, str]:
    """`productKeyEn` "Color-Size" + `variantKey` "Black-M" → {"Color": "Black", "Size": "M"}.

    Values may themselves contain hyphens: the last names take one part each, the first takes the rest."""
    names = [n for n in (option_names or "").split("-") if n]
    if not variant_key:
        return {}
    if not names:
        return {"Option": variant_key}
    parts = variant_key.split("-")
    if len(parts) < len(names):
        return {names[0]: variant_key}
    head = len(parts) - (len(names) - 1)
    values = ["-".join(parts[:head]), *parts[head:]]
    return dict(zip(names, values, strict=True))


def variant(item: dict[str, Any], *, pid: str = "", option_names: str = "") -> SupplierVariant:
    vid = text(item.get("vid"))
    inventories = item.get("inventories")
    return SupplierVariant(
        variant_id=vid,
        product_id=text(item.get("pid")) or pid,
        sku=text(item.get("variantSku")),
        name=text(item.get("variantNameEn") or item.get("variantName") or item.get("variantKey")),
        cost_price=decimal(item.get("variantSellPrice")) or Decimal("0.00"),
        attributes=variant_attributes(option_names, text(item.get("variantKey"))),
        image_url=first_image(item.get("variantImage")),
        weight_grams=integer(item.get("variantWeight")),
        stock=stock_level(vid, inventories) if isinstance(inventories, list) else None,
    )


def product(data: dict[str, Any]) -> SupplierProduct:
    """`product/query`: one product with its variants."""
    pid = text(data.get("pid"))
    name = text(data.get("productNameEn") or data.get("productName"))
    option_names = text(data.get("productKeyEn"))
    variants = tuple(variant(v, pid=pid, option_names=option_names) for v in data.get("variants") or [])
    costs = [v.cost_price for v in variants if v.cost_price > 0]
    image = first_image(data.get("productImage"))
    images = tuple(text(i) for i in data.get("productImageSet") or [] if i) or ((image,) if image else ())
    return SupplierProduct(
        product_id=pid,
        name=name,
        sku=text(data.get("productSku")),
        cost_price=min(costs) if costs else decimal(data.get("sellPrice")) or Decimal("0.00"),
        image_url=image or (images[0] if images else ""),
        images=images,
        description=text(data.get("description")),
        category_name=text(data.get("categoryName")),
        category_id=text(data.get("categoryId")),
        source_url=product_url(name, pid),
        on_sale=text(data.get("status") or "3") == "3",
        variants=variants,
        raw=data,
    )


# --- stock ----------------------------------------------------------------------------------
def product_stock(data: dict[str, Any]) -> dict[str, StockLevel]:
    """`product/stock/getInventoryByPid`: `variantInventories[]` = `{vid, inventory[]}`."""
    levels = {}
    for entry in data.get("variantInventories") or []:
        vid = text(entry.get("vid"))
        if vid:
            levels[vid] = stock_level(vid, entry.get("inventory") or [])
    return levels


def variant_stock(vid: str, rows: list[dict[str, Any]]) -> StockLevel:
    """`product/stock/queryByVid`: one row per warehouse area."""
    return stock_level(vid, [r for r in rows or [] if not r.get("vid") or text(r.get("vid")) == vid])


# --- freight -------------------------------------------------------------------------------------
def shipping_quotes(data: list[dict[str, Any]]) -> list[ShippingQuote]:
    quotes = []
    for option in data or []:
        cost = decimal(option.get("logisticPrice"))
        if cost is None:
            cost = decimal(option.get("totalPostageFee")) or Decimal("0.00")
        quotes.append(
            ShippingQuote(method=text(option.get("logisticName")), cost=cost, days=text(option.get("logisticAging")))
        )
    return sorted(quotes, key=lambda q: q.cost)


# --- orders ------------------------------------------------------------------------------------------
def order(data: dict[str, Any], *, reference: str = "") -> SupplierOrder:
    """createOrderV2 (`orderNumber`), list and detail (`orderNum`) answers."""
    total = decimal(data.get("orderAmount"))
    if total is None:
        product_amount, postage = decimal(data.get("productAmount")), decimal(data.get("postageAmount"))
        if product_amount is not None:
            total = product_amount + (postage or Decimal("0.00"))
    track = text(data.get("trackNumber"))
    return SupplierOrder(
        order_id=text(data.get("orderId") or data.get("cjOrderId")),
        reference=text(data.get("orderNumber") or data.get("orderNum")) or reference,
        status=text(data.get("orderStatus")).upper(),
        tracking_numbers=(track,) if track else (),
        logistic_name=text(data.get("logisticName")),
        total=total,
        raw=data,
    )


# --- tracking -------------------------------------------------------------------------------------------
def tracking_info(row: dict[str, Any]) -> TrackingInfo:
    """`logistic/trackInfo`: `trackingStatus` is free text there."""
    status = text(row.get("trackingStatus"))
    return TrackingInfo(
        tracking_number=text(row.get("trackingNumber")),
        carrier=text(row.get("logisticName")),
        status=status,
        delivered=status.strip().lower() == "delivered",
        last_mile_tracking_number=text(row.get("lastTrackNumber")),
    )


def track_events(raw: Any) -> tuple[TrackingEvent, ...]:
    """`logisticsTrackEvents` arrives as a JSON-encoded string (sometimes already a list)."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw) if raw.strip() else []
        except ValueError:
            return ()
    events = []
    for item in raw or []:
        if not isinstance(item, dict):
            continue
        at = cj_datetime(item.get("eventTime") or item.get("thirdEventTime"))
        if at is None:
            continue
        events.append(
            TrackingEvent(
                occurred_at=at,
                status=text(item.get("statusDesc") or item.get("status")),
                description=text(item.get("activity") or item.get("thirdActivity")),
                location=text(item.get("location") or item.get("thirdLocation")),
            )
        )
    return tuple(sorted(events, key=lambda e: e.occurred_at))


def subscribed_product_ids(data: Any) -> list[str]:
    """`webhook/product/subscribe/list`: its exact shape is not documented (CJ_API.md §10.1), so accept a list
    of ids or of objects (`pid`, `productId`, `id`), bare or under `list`, `content`, `productIds` or `records`."""
    if isinstance(data, dict):
        data = next((data[key] for key in ("list", "content", "productIds", "records") if key in data), [])
    ids = []
    for item in data if isinstance(data, list) else []:
        value = item.get("pid") or item.get("productId") or item.get("id") if isinstance(item, dict) else item
        if value:
            ids.append(text(value))
    return ids
