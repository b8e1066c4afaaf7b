"""Which order holds stock: reserve on create and retry, consume when CJ accepts, give back on cancel or failure."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from inventory import stock
from inventory.models import Variant
from nexusone.accounts.models import Merchant

from ..choices import StockState
from ..models import Order
from .errors import InsufficientStock
from .lines import ResolvedLine


def reserve_stock(merchant: Merchant, lines: list[ResolvedLine]) -> None:
    """Reserve every line or nothing (inventory.stock's conditional UPDATEs, in lock order), then settle the products.

    Inside a caller's transaction this joins it (no savepoint): a shortage raises and the caller rolls back."""
    wanted = _quantities(lines)
    with transaction.atomic(savepoint=False):
        short = stock.reserve_units(merchant.pk, wanted)
        if short:
            available = dict(Variant.objects.filter(pk__in=short).values_list("pk", "stock_quantity"))
            shortages = [
                {
                    "index": line.index,
                    "variant_id": str(line.variant.pk),
                    "name": str(line.variant),
                    "requested": wanted[line.variant.pk],
                    "available": max(available.get(line.variant.pk, 0), 0),
                }
                for line in lines
                if line.variant.pk in short
            ]
            raise InsufficientStock(shortages)
        stock.settle(merchant, product_ids={line.variant.product_id for line in lines})


def refuse_if_short(lines: list[ResolvedLine]) -> None:
    """Refuse early when the variants as just read cannot cover the order.

    Only ever refuses: the conditional UPDATE in reserve_stock stays the one authority for taking stock."""
    wanted = _quantities(lines)
    shortages = [
        {
            "index": line.index,
            "variant_id": str(line.variant.pk),
            "name": str(line.variant),
            "requested": wanted[line.variant.pk],
            "available": line.variant.stock_quantity,
        }
        for line in lines
        if line.variant.stock_quantity < wanted[line.variant.pk]
    ]
    if shortages:
        raise InsufficientStock(shortages)


def _quantities(lines: list[ResolvedLine]) -> dict[Any, int]:
    """Units wanted per variant (a variant may stand on several lines)."""
    wanted: dict[Any, int] = {}
    for line in lines:
        wanted[line.variant.pk] = wanted.get(line.variant.pk, 0) + line.quantity
    return wanted


def _order_quantities(order: Order) -> dict[Any, int]:
    wanted: dict[Any, int] = {}
    for variant_id, quantity in order.lines.exclude(variant=None).values_list("variant_id", "quantity"):
        wanted[variant_id] = wanted.get(variant_id, 0) + quantity
    return wanted


def _move_stock(order: Order, from_state: str, to_state: str, write: Any) -> bool:
    """Flip the order's stock state once (a second call does nothing), write the units, settle the products."""
    if not Order.objects.filter(pk=order.pk, stock_state=from_state).update(stock_state=to_state):
        return False
    order.stock_state = to_state
    quantities = _order_quantities(order)
    write(quantities)
    stock.settle(order.merchant, variant_ids=list(quantities))
    return True


def release_stock(order: Order) -> bool:
    """Give a reservation back (cancel, failure): the units are for sale again. Safe to call twice."""
    return _move_stock(order, StockState.RESERVED, StockState.RELEASED, stock.release_units)


def consume_stock(order: Order) -> bool:
    """The supplier accepted the order: the reservation leaves both the supplier's stock and reserved."""
    return _move_stock(order, StockState.RESERVED, StockState.CONSUMED, stock.consume_units)


def restore_stock(order: Order) -> bool:
    """The supplier cancelled an order it had accepted: its units are for sale again."""
    return _move_stock(order, StockState.CONSUMED, StockState.RELEASED, stock.restore_units)


def give_back_stock(order: Order) -> str:
    """Release a reservation or restore consumed units, whichever the order holds."""
    if release_stock(order):
        return "reservation released"
    if restore_stock(order):
        return "stock restored"
    return ""
