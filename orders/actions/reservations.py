"""Which order holds stock: reserve on create and retry, consume when CJ accepts, give back on cancel or failure.

The units move in inventory.stock (`{variant_id: quantity}`); an order records only the state its units are in
(`Order.stock_state`), flipped once with a conditional UPDATE so a repeated call moves nothing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import Model

from inventory import stock
from nexusone.accounts.models import Merchant

from ..choices import StockState
from ..models import Order
from .errors import InsufficientStock
from .lines import ResolvedLine


def reserve_stock(merchant: Merchant, lines: list[ResolvedLine]) -> None:
    """Reserve every line or nothing; a shortage is InsufficientStock naming the lines.

    Inside a caller's transaction this joins it (no savepoint): a shortage raises and the caller rolls back."""
    _hold(lines, lambda wanted, products: stock.reserve(merchant, wanted, product_ids=products))


def reserve_stock_with(merchant: Merchant, lines: list[ResolvedLine], *rows: Sequence[Model]) -> None:
    """Insert the order's `rows` and reserve every line, or do neither (InsufficientStock naming the lines).

    A one-variant order is a single statement (inventory.stock.reserve_with), committed on its own outside a
    caller's transaction."""
    _hold(lines, lambda wanted, products: stock.reserve_with(merchant, wanted, *rows, product_ids=products))


def _hold(lines: list[ResolvedLine], hold: Callable[[stock.Quantities, set[Any]], None]) -> None:
    """`hold(units per variant, product ids)`, its OutOfStock reported as InsufficientStock naming the lines."""
    wanted = _wanted(lines)
    try:
        hold(wanted, {line.variant.product_id for line in lines})
    except stock.OutOfStock as exc:
        raise InsufficientStock(_shortages(lines, wanted, exc.available)) from None


def refuse_if_short(lines: list[ResolvedLine]) -> None:
    """Refuse early when the variants as just read cannot cover the order (reserve_stock still decides)."""
    wanted = _wanted(lines)
    short = stock.shortfall(wanted, {line.variant.pk: line.variant.stock_quantity for line in lines})
    if short:
        raise InsufficientStock(_shortages(lines, wanted, short))


def _wanted(lines: list[ResolvedLine]) -> stock.Quantities:
    return stock.add_up((line.variant.pk, line.quantity) for line in lines)


def _shortages(lines: list[ResolvedLine], wanted: stock.Quantities, available: stock.Quantities) -> list[dict]:
    """One entry per line whose variant is short, as InsufficientStock reports it."""
    return [
        {
            "index": line.index,
            "variant_id": str(line.variant.pk),
            "name": str(line.variant),
            "requested": wanted[line.variant.pk],
            "available": available[line.variant.pk],
        }
        for line in lines
        if line.variant.pk in available
    ]


def _move_stock(
    order: Order, from_state: str, to_state: str, write: Callable[[Merchant, stock.Quantities], None]
) -> bool:
    """Flip the order's stock state once (a second call does nothing), then move its units in inventory."""
    if not Order.objects.filter(pk=order.pk, stock_state=from_state).update(stock_state=to_state):
        return False
    order.stock_state = to_state
    quantities = stock.add_up(order.lines.exclude(variant=None).values_list("variant_id", "quantity"))
    write(order.merchant, quantities)
    return True


def release_stock(order: Order) -> bool:
    """Give a reservation back (cancel, failure): the units are for sale again. Safe to call twice."""
    return _move_stock(order, StockState.RESERVED, StockState.RELEASED, stock.release)


def consume_stock(order: Order) -> bool:
    """The supplier accepted the order: the reservation leaves both the supplier's stock and reserved."""
    return _move_stock(order, StockState.RESERVED, StockState.CONSUMED, stock.consume)


def restore_stock(order: Order) -> bool:
    """The supplier cancelled an order it had accepted: its units are for sale again."""
    return _move_stock(order, StockState.CONSUMED, StockState.RELEASED, stock.restore)


def give_back_stock(order: Order) -> str:
    """Release a reservation or restore consumed units, whichever the order holds."""
    if release_stock(order):
        return "reservation released"
    if restore_stock(order):
        return "stock restored"
    return ""
