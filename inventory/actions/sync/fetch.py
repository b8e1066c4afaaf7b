"""Reading one supplier product (with its stock) under a retry policy: the one way sync and imports read CJ.

The supplier client already paces calls and retries its own transport; the policy here decides whether a
product that still failed is tried again (a sync: a few times, backing off) or reported at once (an import).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from nexusone.suppliers.base import (
    StockLevel,
    Supplier,
    SupplierAuthError,
    SupplierCircuitOpen,
    SupplierError,
    SupplierNotFound,
    SupplierProduct,
    SupplierQuotaExhausted,
    SupplierRateLimited,
    SupplierUnavailable,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int  # per product, then its last error is raised
    backoff_seconds: float = 0.5  # doubled on each retry; a supplier's Retry-After wins
    max_wait_seconds: float = 30  # a supplier asking to wait longer stops the caller instead

    def stops(self, exc: SupplierError) -> bool:
        """Errors after which no later call can succeed soon: the caller stops and says why."""
        if isinstance(exc, SupplierAuthError | SupplierQuotaExhausted | SupplierCircuitOpen):
            return True
        return isinstance(exc, SupplierRateLimited) and (exc.retry_after or 0) > self.max_wait_seconds

    def retries(self, exc: SupplierError, attempt: int) -> bool:
        transient = isinstance(exc, SupplierUnavailable | SupplierRateLimited)
        return transient and attempt < self.attempts and not self.stops(exc)

    def delay(self, exc: SupplierError, attempt: int) -> float:
        return getattr(exc, "retry_after", None) or self.backoff_seconds * 2 ** (attempt - 1)


SYNC_RETRIES = RetryPolicy(attempts=3)
IMPORT_RETRIES = RetryPolicy(attempts=1)  # an import reports the item failed; the merchant imports it again


class Fetched(NamedTuple):
    product: SupplierProduct | None  # None: the supplier says it is gone (or, stock_only, was not read)
    stock: dict[str, StockLevel] | None  # per variant id; None: not known (an import goes on without it)
    calls: int
    stock_only: bool = False  # only the stock was read: costs, prices and availability are not known


class _Calls:
    """How many supplier calls one read has cost, across its attempts."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, read: Callable[[], Any]) -> Any:
        self.count += 1
        return read()


def _with_retries(read: Callable[[_Calls], Fetched], *, retry: RetryPolicy, sleep: Callable[[float], None]) -> Fetched:
    """Run `read` until it returns, as `retry` says. SupplierNotFound gives a `Fetched` with product None;
    any other error is raised once the policy gives up, carrying `calls` (the calls it cost)."""
    calls = _Calls()
    for attempt in range(1, retry.attempts + 1):
        try:
            return read(calls)
        except SupplierNotFound:
            return Fetched(None, {}, calls.count)
        except SupplierError as exc:
            exc.calls = calls.count  # type: ignore[attr-defined]
            if not retry.retries(exc, attempt):
                raise
            sleep(retry.delay(exc, attempt))
    raise AssertionError("unreachable: the last attempt returns or raises")


def fetch_stock(
    supplier: Supplier, external_id: str, *, retry: RetryPolicy, sleep: Callable[[float], None] = time.sleep
) -> Fetched:
    """Every variant's stock of one product in one call (CJ's getInventoryByPid), tried again as `retry` says."""

    def read(calls: _Calls) -> Fetched:
        stock = calls(lambda: supplier.get_product_stock(external_id))
        return Fetched(None, stock, calls.count, stock_only=True)

    return _with_retries(read, retry=retry, sleep=sleep)


def fetch_product(
    supplier: Supplier,
    external_id: str,
    *,
    retry: RetryPolicy,
    stock_required: bool = True,
    sleep: Callable[[float], None] = time.sleep,
) -> Fetched:
    """A product with its variants and their stock per warehouse, tried again as `retry` says.

    `stock_required` (a sync): stock is read first and a failure to read it fails the product. Otherwise
    (an import) the product's own per-variant stock is used when it carries it, and stock that a separate
    call cannot read stays unknown. SupplierNotFound gives a `Fetched` with product None; any other error
    is raised once the policy gives up, carrying `calls` (the calls it cost).
    """

    def read(calls: _Calls) -> Fetched:
        stock = calls(lambda: supplier.get_product_stock(external_id)) if stock_required else None
        product = calls(lambda: supplier.get_product(external_id))
        if not stock_required:
            stock, extra_calls = _stock_of(supplier, external_id, product)
            calls.count += extra_calls
        return Fetched(product, stock, calls.count)

    return _with_retries(read, retry=retry, sleep=sleep)


def _stock_of(
    supplier: Supplier, external_id: str, product: SupplierProduct
) -> tuple[dict[str, StockLevel] | None, int]:
    """The product's own per-variant stock, or one stock call when it carried none (None when that fails)."""
    if all(v.stock is not None for v in product.variants):
        return {v.variant_id: v.stock for v in product.variants}, 0
    try:
        return supplier.get_product_stock(external_id), 1
    except SupplierError:
        logger.warning("Stock of %s unavailable; the next sync reads it", external_id, exc_info=True)
        return None, 1
