"""The supplier protocol: what every supplier (CJ first) offers NexusOne.

Apps talk to suppliers only through these dataclasses and the `Supplier`
protocol; `registry.get_supplier(account)` returns an implementation.
IDs are strings, money is Decimal, times are aware datetimes (UTC).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

# --- errors -----------------------------------------------------------------------


class SupplierError(Exception):
    """Base of every supplier failure. `code` is the supplier's own error code."""

    def __init__(self, message: str = "", *, code: str | int | None = None, request_id: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.request_id = request_id


class SupplierAuthError(SupplierError):
    """The API key or token was refused: the merchant must reconnect."""


class SupplierRateLimited(SupplierError):
    """Too many requests (or the daily points are used up); try later."""

    def __init__(self, message: str = "", *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class SupplierQuotaExhausted(SupplierRateLimited):
    """Daily points/quota exhausted: wait for the reset, do not loop."""


class SupplierPointsReserved(SupplierQuotaExhausted):
    """Background work has spent its share of the day's points; the rest is kept for foreground calls."""


class SupplierNotFound(SupplierError):
    """The product, variant or order does not exist at the supplier."""


class SupplierUnavailable(SupplierError):
    """5xx, timeout, connection error or an open circuit: transient."""


class SupplierCircuitOpen(SupplierUnavailable):
    """The circuit breaker is open: calls fail fast until a probe succeeds."""


class SupplierOutcomeUnknown(SupplierUnavailable):
    """A write was sent but its outcome is unknown (timeout/5xx after sending).

    Never resend blindly: look the order up first."""


class SupplierRejected(SupplierError):
    """The supplier refused the request on its merits (bad parameter, off shelf...)."""


# --- data -----------------------------------------------------------------------------


@dataclass(frozen=True)
class WarehouseStock:
    country_code: str
    quantity: int
    area: str = ""


@dataclass(frozen=True)
class StockLevel:
    """Stock of one variant, per warehouse country."""

    variant_id: str
    warehouses: tuple[WarehouseStock, ...] = ()

    def total(self, countries: set[str] | frozenset[str] | None = None) -> int:
        """Sellable stock: the sum over `countries` (None: every warehouse)."""
        return sum(w.quantity for w in self.warehouses if countries is None or w.country_code in countries)


@dataclass(frozen=True)
class SupplierVariant:
    variant_id: str  # CJ vid
    product_id: str  # CJ pid
    sku: str
    name: str
    cost_price: Decimal
    attributes: dict[str, str] = field(default_factory=dict)
    image_url: str = ""
    weight_grams: int | None = None
    stock: StockLevel | None = None  # only when the call carried inventory


@dataclass(frozen=True)
class SupplierProduct:
    product_id: str  # CJ pid
    name: str
    sku: str
    cost_price: Decimal  # the lowest variant cost
    currency: str = "USD"
    image_url: str = ""
    images: tuple[str, ...] = ()
    description: str = ""
    category_name: str = ""
    category_id: str = ""
    source_url: str = ""
    on_sale: bool = True
    variants: tuple[SupplierVariant, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ProductSummary:
    """One search/list result (no variants)."""

    product_id: str
    name: str
    sku: str
    image_url: str
    price_label: str  # CJ may give a range, e.g. "3.10 -- 4.25"
    category_id: str = ""
    inventory: int | None = None


@dataclass(frozen=True)
class ProductPage:
    items: tuple[ProductSummary, ...]
    page: int
    page_size: int
    total: int


@dataclass(frozen=True)
class CategoryNode:
    """One node of the supplier's category tree. Searches filter by the leaves (CJ's third level)."""

    category_id: str
    name: str
    children: tuple[CategoryNode, ...] = ()


@dataclass(frozen=True)
class ShippingQuote:
    method: str  # passed verbatim back when ordering (CJ logisticName)
    cost: Decimal
    currency: str = "USD"
    days: str = ""  # e.g. "7-15"


@dataclass(frozen=True)
class OrderLineRequest:
    variant_id: str
    quantity: int
    line_reference: str = ""


@dataclass(frozen=True)
class Address:
    name: str
    line1: str
    city: str
    country_code: str
    province: str = ""
    line2: str = ""
    postal_code: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class OrderRequest:
    reference: str  # our idempotency key (CJ orderNumber)
    address: Address
    lines: tuple[OrderLineRequest, ...]
    shipping_method: str
    from_country_code: str = "CN"
    pay_from_balance: bool = False


@dataclass(frozen=True)
class SupplierOrder:
    order_id: str  # CJ orderId
    reference: str  # our orderNumber
    status: str  # the supplier's status text, e.g. CREATED, UNSHIPPED, SHIPPED
    tracking_numbers: tuple[str, ...] = ()
    logistic_name: str = ""
    total: Decimal | None = None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TrackingEvent:
    occurred_at: datetime
    status: str
    description: str = ""
    location: str = ""


@dataclass(frozen=True)
class TrackingInfo:
    tracking_number: str
    carrier: str = ""
    status: str = ""  # free text from the supplier
    delivered: bool = False
    last_mile_tracking_number: str = ""
    tracking_url: str = ""
    events: tuple[TrackingEvent, ...] = ()


@dataclass(frozen=True)
class WebhookEvent:
    """A verified, parsed webhook message. `topic`: product, variant, stock, order, logistic."""

    message_id: str
    topic: str
    action: str  # INSERT, UPDATE, DELETE, ...
    payload: dict[str, Any]
    # Normalised extracts, filled where the topic carries them:
    product_id: str = ""
    variant_id: str = ""  # VARIANT messages
    stock: tuple[StockLevel, ...] = ()
    order_reference: str = ""
    order_id: str = ""
    order_status: str = ""
    tracking: TrackingInfo | None = None


# --- the protocol -------------------------------------------------------------------------


@runtime_checkable
class Supplier(Protocol):
    code: str

    def search_products(
        self, keyword: str = "", *, category_id: str = "", page: int = 1, page_size: int = 20
    ) -> ProductPage: ...

    def list_categories(self) -> list[CategoryNode]:
        """The supplier's category tree, top level first."""
        ...

    def get_product(self, product_id: str) -> SupplierProduct: ...

    def get_product_stock(self, product_id: str) -> dict[str, StockLevel]:
        """Every variant of one product in one call: {variant_id: StockLevel}.

        A variant missing from a successful answer has 0; a failure raises."""
        ...

    def get_stock(self, variant_ids: list[str]) -> dict[str, StockLevel]: ...

    def quote_shipping(
        self, lines: list[OrderLineRequest], *, to_country_code: str, from_country_code: str = "CN"
    ) -> list[ShippingQuote]: ...

    def create_order(self, order: OrderRequest) -> SupplierOrder:
        """Place an order; `order.reference` is the idempotency key.

        Raises SupplierOutcomeUnknown when the call was sent but no answer came."""
        ...

    def find_order(self, reference: str) -> SupplierOrder | None:
        """Look an order up by our reference (reconciliation before any resend)."""
        ...

    def get_order(self, order_id: str) -> SupplierOrder: ...

    def cancel_order(self, order_id: str) -> bool:
        """True when cancelled at the supplier; False when the supplier no longer allows it."""
        ...

    def get_tracking(self, tracking_numbers: list[str]) -> list[TrackingInfo]: ...

    def verify_webhook(self, raw_body: bytes, headers: dict[str, str]) -> bool: ...

    def parse_webhook(self, raw_body: bytes) -> WebhookEvent: ...
