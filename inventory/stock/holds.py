"""Order-driven stock writes: hold units for an order (`reserve`, `reserve_with`), let go of them (`release`),
take them out of the supplier's stock (`consume`) or give them back (`restore`), each with `{variant_id: quantity}`."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError, connection, transaction
from django.db.models import F, Model, Value
from django.db.models.functions import Greatest

from nexusone.core.inserts import insert_statements, insert_together, saved

from ..models import Variant
from .figures import Quantities, in_lock_order, refuse, sellable
from .products import PRODUCT_STOCK_RETURNING, _product_stock, follow_rules, settle

if TYPE_CHECKING:
    from nexusone.accounts.models import Merchant

logger = logging.getLogger(__name__)


def reserve(merchant: Merchant, quantities: Quantities, *, product_ids: Iterable[Any] = ()) -> None:
    """Hold units for an order, every variant or none, then settle the products (`product_ids` when known).

    Inside a caller's transaction this joins it (no savepoint): OutOfStock is raised and the caller rolls back."""
    if len(quantities) == 1 and connection.vendor == "postgresql":
        with transaction.atomic(savepoint=False):
            variant_id, units = next(iter(quantities.items()))
            written = _reserve_one_variant(merchant, variant_id, units)
            if not written:
                refuse([variant_id])
            follow_rules(merchant, *_product_stock(merchant.pk, written))
            return
    with transaction.atomic(savepoint=False):
        short = reserve_units(merchant.pk, quantities)
        if short:
            refuse(short)
        product_ids = list(product_ids)
        settle(merchant, variant_ids=() if product_ids else list(quantities), product_ids=product_ids)


# One variant (most orders): the variant's units and its product's figures in one statement, so the row locks
# an order takes are held for that statement alone. The product moves by the same units as the variant: a
# variant that could cover them was above zero, so its sellable stock (and the product's sum) drops by exactly
# that much. Adding to the row as it stands is safe when the UPDATE waited for another order's lock.
# `{after}`: a condition that makes the reservation wait for the caller's CTEs (`reserve_with`).
# Parameters: units, units, variant, merchant, units, units, units, merchant.
_RESERVE_ONE = """
reserved AS (
    UPDATE inventory_variant
    SET reserved_quantity = reserved_quantity + %s,
        stock_quantity = GREATEST(supplier_stock - (reserved_quantity + %s), 0)
    WHERE id = %s AND merchant_id = %s AND stock_quantity >= %s {after}
    RETURNING product_id
),
product AS (
    UPDATE inventory_product AS p
    SET reserved_quantity = p.reserved_quantity + %s, stock_quantity = GREATEST(p.stock_quantity - %s, 0)
    FROM reserved LEFT JOIN inventory_inventorysettings AS st ON st.merchant_id = %s
    WHERE p.id = reserved.product_id
    RETURNING """
RESERVE_ONE_CTES = _RESERVE_ONE + PRODUCT_STOCK_RETURNING + ")"
# With rows inserted first: the product as written, or the whole statement undone (migration 0011's function).
REFUSED_SQLSTATE = "NX409"
WRITTEN_OR_REFUSED = """SELECT p.* FROM (VALUES (1)) AS one (x) LEFT JOIN product AS p ON true
WHERE CASE WHEN p.id IS NOT NULL THEN true ELSE inventory_refuse_reservation() END"""


def reserve_with(
    merchant: Merchant, quantities: Quantities, *rows: Sequence[Model], product_ids: Iterable[Any]
) -> None:
    """Insert `rows` (groups of one model's rows, an order's first) and hold their units: all of it or none.

    One variant on PostgreSQL (most orders): one statement, committed on its own when the caller is not in a
    transaction, so the variant and product stay locked for that statement only, never across a round trip to
    the application. The rows go in before the variant is locked: an order waiting on another's unique reference
    never holds stock others wait for. Otherwise a transaction: the rows, then `reserve`.
    OutOfStock: nothing was written."""
    if len(quantities) != 1 or connection.vendor != "postgresql":
        with transaction.atomic():
            insert_together(*rows)
            reserve(merchant, quantities, product_ids=product_ids)
        return
    variant_id, units = next(iter(quantities.items()))
    committed = connection.get_autocommit()  # outside a transaction, the statement commits on its own
    try:
        with nullcontext() if committed else transaction.atomic():
            written = _reserve_one_variant(merchant, variant_id, units, rows)
    except DatabaseError as exc:
        if getattr(exc.__cause__, "sqlstate", None) != REFUSED_SQLSTATE:
            raise
        refuse([variant_id])
    saved(*rows, using=connection.alias)
    try:
        _follow_reservation(merchant, written)
    except DatabaseError:
        if not committed:
            raise
        # The rows and units are committed: never report them as not written.
        logger.exception("Stock rules after reserving variant %s failed; the next stock write applies them", variant_id)


def _reserve_one_variant(merchant: Merchant, variant_id: Any, units: int, rows: Sequence[Sequence[Model]] = ()) -> list:
    """RESERVE_ONE_CTES after `rows` are inserted (refused: the statement fails with REFUSED_SQLSTATE), or alone
    (refused: no row). Returns the product as written (PRODUCT_STOCK_RETURNING)."""
    inserts, insert_params = insert_statements(*rows, using=connection.alias)
    if inserts:
        # The reservation's WHERE reads i0, so PostgreSQL runs that INSERT (and its unique checks) before the
        # UPDATE locks the variant; the other INSERTs run at the end, as every data-modifying CTE does.
        # (orders/tests/test_one_statement_create.py holds this: a deadlock there means the order changed.)
        inserts[0] += " RETURNING 1"
    ctes = [f"i{n} AS ({sql})" for n, sql in enumerate(inserts)]
    ctes.append(RESERVE_ONE_CTES.format(after="AND EXISTS (SELECT FROM i0)" if inserts else ""))
    merchant_id = str(merchant.pk)
    reserve_params = [units, units, str(variant_id), merchant_id, units, units, units, merchant_id]
    final = WRITTEN_OR_REFUSED if inserts else "SELECT * FROM product"
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(ctes)} {final}", [*insert_params, *reserve_params])
        return cursor.fetchall()


def _follow_reservation(merchant: Merchant, written: list) -> None:
    """The stock rules after a one-variant reservation that has committed: the products they change are locked
    first, so two orders crossing a threshold together apply them one after the other."""
    with transaction.atomic(savepoint=False):  # no round trip unless a rule writes something
        follow_rules(merchant, *_product_stock(merchant.pk, written), lock=True)


def release(merchant: Merchant, quantities: Quantities) -> None:
    """An order lets go of its reservation (cancel, failure): the units are for sale again."""
    release_units(quantities)
    settle(merchant, variant_ids=list(quantities))


def consume(merchant: Merchant, quantities: Quantities) -> None:
    """The supplier accepted the order: its units leave the supplier's stock and the reservation."""
    consume_units(quantities)
    settle(merchant, variant_ids=list(quantities))


def restore(merchant: Merchant, quantities: Quantities) -> None:
    """The supplier cancelled an order it had accepted: its units are for sale again."""
    restore_units(quantities)
    settle(merchant, variant_ids=list(quantities))


def reserve_units(merchant_id: Any, quantities: Quantities) -> set[Any]:
    """Hold units for an order: one conditional UPDATE per variant, in lock order. Returns the variants short.

    Reserves what it can; the caller's transaction rolls everything back when any variant is short."""
    short: set[Any] = set()
    for pk, quantity in in_lock_order(quantities):
        reserved = F("reserved_quantity") + quantity
        updated = Variant.objects.filter(pk=pk, merchant_id=merchant_id, stock_quantity__gte=quantity).update(
            reserved_quantity=reserved, stock_quantity=sellable(reserved=reserved)
        )
        if not updated:
            short.add(pk)
    return short


def release_units(quantities: Quantities) -> None:
    """An order lets go of its reservation (cancel, failure): the units are for sale again."""
    for pk, quantity in in_lock_order(quantities):
        reserved = F("reserved_quantity") - quantity
        Variant.objects.filter(pk=pk, reserved_quantity__gte=quantity).update(
            reserved_quantity=reserved, stock_quantity=sellable(reserved=reserved)
        )


def consume_units(quantities: Quantities) -> None:
    """The supplier accepted the order: its units leave both the supplier's stock and the reservation."""
    for pk, quantity in in_lock_order(quantities):
        supplier = Greatest(F("supplier_stock") - quantity, Value(0))
        reserved = F("reserved_quantity") - quantity
        Variant.objects.filter(pk=pk, reserved_quantity__gte=quantity).update(
            supplier_stock=supplier, reserved_quantity=reserved, stock_quantity=sellable(supplier, reserved)
        )


def restore_units(quantities: Quantities) -> None:
    """The supplier cancelled an order it had accepted: its units are back in the supplier's stock."""
    for pk, quantity in in_lock_order(quantities):
        supplier = F("supplier_stock") + quantity
        Variant.objects.filter(pk=pk).update(supplier_stock=supplier, stock_quantity=sellable(supplier=supplier))
