"""Stock figures as every stock writer computes them: units per variant, sellable stock, lock order, refusal."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NoReturn

from django.db.models import F, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Greatest

from ..models import Variant

Quantities = dict[Any, int]  # units per variant id


def sellable(supplier: Combinable | None = None, reserved: Combinable | None = None) -> Greatest:
    """`supplier − reserved`, never below 0, as an SQL expression (defaults: the row's own columns)."""
    supplier = F("supplier_stock") if supplier is None else supplier
    reserved = F("reserved_quantity") if reserved is None else reserved
    return Greatest(supplier - reserved, Value(0))


def in_lock_order(quantities: Quantities) -> list[tuple[Any, int]]:
    """Variants in one order for every writer (by id), so concurrent writers never deadlock on their rows."""
    return sorted(quantities.items(), key=lambda item: str(item[0]))


class OutOfStock(Exception):
    """Some variants cannot cover the units asked for; nothing was reserved.

    `available`: the units each short variant can still sell."""

    def __init__(self, available: Quantities) -> None:
        super().__init__(f"Not enough sellable stock for {len(available)} variant(s).")
        self.available = available


def add_up(pairs: Iterable[tuple[Any, int]]) -> Quantities:
    """Units per variant from (variant id, quantity) pairs; a variant may come more than once."""
    quantities: Quantities = {}
    for pk, quantity in pairs:
        quantities[pk] = quantities.get(pk, 0) + quantity
    return quantities


def shortfall(quantities: Quantities, sellable_now: Quantities) -> Quantities:
    """The variants whose sellable units as just read cannot cover `quantities`, with those units.

    Only a cheap early refusal: `reserve`'s conditional UPDATE stays the one authority for taking stock."""
    return {
        pk: max(sellable_now.get(pk, 0), 0) for pk, wanted in quantities.items() if sellable_now.get(pk, 0) < wanted
    }


def refuse(short: Iterable[Any]) -> NoReturn:
    """OutOfStock for these variants, with what each can still sell."""
    short = list(short)
    available = dict(Variant.objects.filter(pk__in=short).values_list("pk", "stock_quantity"))
    raise OutOfStock({pk: max(available.get(pk, 0), 0) for pk in short})
