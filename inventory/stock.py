"""Stock bookkeeping: the one writer of supplier stock, reservations and sellable stock, and what follows.

A variant holds three figures: `supplier_stock` (the supplier's count in the ship-from countries),
`reserved_quantity` (units our open orders hold) and `stock_quantity`, what can still be sold:
supplier stock less reserved, never below 0. The UPDATE that changes either side computes it in the
same statement, from the row as it stands (never read, compute in Python, save). A product carries
the sums of its variants.

Orders hold stock through `reserve`, `release`, `consume` and `restore`, each taking `{variant_id: quantity}`
(the role of Saleor's warehouse/management.py); an order only records which state its units are in.

After every stock write (sync, import, demo seed, order reserve, release, consume, restore), `settle`
sums the products again and `apply_stock_rules` opens or resolves their alerts and applies the
merchant's out-of-stock action (or undoes it when stock comes back). Each rule lives here once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

from django.db import DatabaseError, connection, transaction
from django.db.models import F, Model, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from nexusone.core.events import publish_event
from nexusone.core.inserts import insert_statements, insert_together, saved

from . import stock_notices
from .choices import AlertKind, AlertState, OutOfStockAction, StockStatus
from .models import InventorySettings, Product, StockAlert, Variant

if TYPE_CHECKING:
    from nexusone.accounts.models import Merchant

logger = logging.getLogger(__name__)

Quantities = dict[Any, int]  # units per variant id


def sellable(supplier: Combinable | None = None, reserved: Combinable | None = None) -> Greatest:
    """`supplier − reserved`, never below 0, as an SQL expression (defaults: the row's own columns)."""
    supplier = F("supplier_stock") if supplier is None else supplier
    reserved = F("reserved_quantity") if reserved is None else reserved
    return Greatest(supplier - reserved, Value(0))


def in_lock_order(quantities: Quantities) -> list[tuple[Any, int]]:
    """Variants in one order for every writer (by id), so concurrent writers never deadlock on their rows."""
    return sorted(quantities.items(), key=lambda item: str(item[0]))


# --- order-driven writes --------------------------------------------------------------------------


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


# What the stock rules need of a product just written (ProductStock, then SETTINGS_FIELDS), for UPDATE … RETURNING.
PRODUCT_STOCK_RETURNING = """p.id, p.stock_quantity, p.low_stock_threshold, p.is_active, p.auto_deactivated,
    p.is_available, (SELECT a.kind FROM inventory_stockalert a WHERE a.product_id = p.id AND a.state = 'open' LIMIT 1),
    st.low_stock_threshold, st.out_of_stock_action, st.reactivate_when_back
"""

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


def refuse(short: Iterable[Any]) -> NoReturn:
    """OutOfStock for these variants, with what each can still sell."""
    short = list(short)
    available = dict(Variant.objects.filter(pk__in=short).values_list("pk", "stock_quantity"))
    raise OutOfStock({pk: max(available.get(pk, 0), 0) for pk in short})


def lock_products(ids: Iterable[Any]) -> None:
    """Lock products in pk order (as variants are, so writers never deadlock) in a statement of their own: a
    statement that begins after the wait sees every change committed meanwhile (READ COMMITTED)."""
    list(
        Product.objects.select_for_update()
        .filter(pk__in=sorted({str(pk) for pk in ids}))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


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


# --- products: sums and rules ---------------------------------------------------------------------


class OpenAlert(NamedTuple):
    pk: Any
    kind: str


class ProductStock(NamedTuple):
    """A product's stock figures and flags as just written, with what the stock rules need to judge them."""

    id: Any
    stock_quantity: int
    low_stock_threshold: int | None
    is_active: bool
    auto_deactivated: bool
    is_available: bool
    open_alert_kind: str | None

    def needs_rules(self, inventory_settings: InventorySettings) -> bool:
        """Whether the out-of-stock action, reactivation or the alert would change anything."""
        product = Product(**{name: getattr(self, name) for name in self._fields if name != "open_alert_kind"})
        kind = alert_kind_for(product, inventory_settings.low_stock_threshold)
        return stock_action(product, inventory_settings) is not None or kind != self.open_alert_kind


# PostgreSQL: the sums and what the rules need in one statement (UPDATE … RETURNING); the order path
# pays a single query when nothing crosses a threshold.
_RESUM = """
UPDATE inventory_product AS p
SET supplier_stock = COALESCE(s.supplier, p.supplier_stock),
    reserved_quantity = COALESCE(s.reserved, p.reserved_quantity),
    stock_quantity = COALESCE(s.sellable, GREATEST(p.supplier_stock - p.reserved_quantity, 0))
FROM unnest(%s::uuid[]) AS ids(id)
LEFT JOIN inventory_inventorysettings AS st ON st.merchant_id = %s
CROSS JOIN LATERAL (
    SELECT SUM(pv.supplier_stock) AS supplier, SUM(pv.reserved_quantity) AS reserved, SUM(pv.stock_quantity) AS sellable
    FROM inventory_variant pv WHERE pv.product_id = ids.id
) AS s
WHERE p.id = ids.id AND p.merchant_id = %s
RETURNING """
RESUM_SQL = _RESUM + PRODUCT_STOCK_RETURNING
SETTINGS_FIELDS = ("low_stock_threshold", "out_of_stock_action", "reactivate_when_back")


def _open_alert() -> QuerySet[StockAlert]:
    return StockAlert.objects.filter(product=OuterRef("pk"), state=AlertState.OPEN).order_by()[:1]


def _variant_sum(column: str) -> Subquery:
    sums = Variant.objects.filter(product=OuterRef("pk")).order_by().values("product").annotate(total=Sum(column))
    return Subquery(sums.values("total"))


def resum_products(merchant_id: Any, product_ids: Iterable[Any]) -> tuple[list[ProductStock], InventorySettings | None]:
    """Each product's figures = the sums of its variants' (a product without variants keeps its own).

    Returns the products as written and the merchant's inventory settings (None when it has none yet).
    The products are locked first, in pk order as variants are (two writers never deadlock), and summed in the
    next statement: under READ COMMITTED a statement that waited for another writer's row lock would keep its
    own older view of the variants and write stale sums (a writer that changed no variant holds none of their
    locks, e.g. a stock read that found nothing new), while a statement started after the wait sees them all."""
    ids = sorted({str(pk) for pk in product_ids})
    if not ids:
        return [], None
    with transaction.atomic(savepoint=False):
        lock_products(ids)
        return _resum(merchant_id, ids)


def _resum(merchant_id: Any, ids: list[str]) -> tuple[list[ProductStock], InventorySettings | None]:
    """The sums and what the stock rules need, for products the caller has locked."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(RESUM_SQL, [ids, merchant_id, merchant_id])
            return _product_stock(merchant_id, cursor.fetchall())
    products = Product.objects.filter(pk__in=ids, merchant_id=merchant_id)
    products.update(
        supplier_stock=Coalesce(_variant_sum("supplier_stock"), F("supplier_stock")),
        reserved_quantity=Coalesce(_variant_sum("reserved_quantity"), F("reserved_quantity")),
        stock_quantity=Coalesce(_variant_sum("stock_quantity"), sellable()),
    )
    rows = products.annotate(open_alert_kind=Subquery(_open_alert().values("kind"))).values_list(*ProductStock._fields)
    settings_row = InventorySettings.objects.filter(merchant_id=merchant_id).values_list(*SETTINGS_FIELDS).first()
    return [ProductStock(*row) for row in rows], _settings(merchant_id, settings_row)


def _product_stock(merchant_id: Any, rows: list[tuple]) -> tuple[list[ProductStock], InventorySettings | None]:
    """Rows of PRODUCT_STOCK_RETURNING: the products as written, and the merchant's settings if it has any."""
    size = len(ProductStock._fields)
    settings_row = rows[0][size:] if rows and rows[0][size] is not None else None
    return [ProductStock(*row[:size]) for row in rows], _settings(merchant_id, settings_row)


def _settings(merchant_id: Any, row: Sequence[Any] | None) -> InventorySettings | None:
    """The settings the stock rules read, from a row of SETTINGS_FIELDS (read only: never saved)."""
    return InventorySettings(merchant_id=merchant_id, **dict(zip(SETTINGS_FIELDS, row, strict=True))) if row else None


def settle(merchant: Merchant, *, variant_ids: Iterable[Any] = (), product_ids: Iterable[Any] = ()) -> None:
    """After a stock write: sum the touched products again, then apply the stock rules where they change something."""
    ids = {str(pk) for pk in product_ids}
    variant_ids = list(variant_ids)
    if variant_ids:
        ids.update(str(pk) for pk in Variant.objects.filter(pk__in=variant_ids).values_list("product_id", flat=True))
    follow_rules(merchant, *resum_products(merchant.pk, ids))


def follow_rules(
    merchant: Merchant, written: list[ProductStock], inventory_settings: InventorySettings | None, *, lock: bool = False
) -> None:
    """After products' figures were written: the stock rules where they change something, and the live update.

    `lock`: the write has committed already, so the products the rules change are locked first (two orders
    crossing a threshold together then apply them one after the other, each from the stored stock)."""
    inventory_settings = inventory_settings or _inventory_settings(merchant)
    changing = [row.id for row in written if row.needs_rules(inventory_settings)]
    if lock and changing:
        lock_products(changing)
    apply_stock_rules(merchant, changing, inventory_settings)
    publish_stock_changed(merchant.pk, [row.id for row in written])


def publish_stock_changed(merchant_id: Any, product_ids: Iterable[Any]) -> None:
    """Open pages re-render these products' stock once the write commits (`stock.changed`)."""
    ids = sorted({str(pk) for pk in product_ids})
    if ids:
        transaction.on_commit(lambda: publish_event(merchant_id, "stock.changed", {"product_ids": ids}), robust=True)


def _inventory_settings(merchant: Merchant) -> InventorySettings:
    from .actions import get_inventory_settings  # the settings' one reader (it creates them on first use)

    return get_inventory_settings(merchant)


def stock_action(product: Product, inventory_settings: InventorySettings) -> str | None:
    """What the merchant's settings ask for now: "deactivate", "reactivate" or nothing."""
    if product.stock_quantity <= 0:
        deactivates = inventory_settings.out_of_stock_action == OutOfStockAction.DEACTIVATE
        return "deactivate" if deactivates and product.is_active else None
    if product.auto_deactivated and inventory_settings.reactivate_when_back and product.is_available:
        return "reactivate"
    return None


def apply_stock_rules(
    merchant: Merchant, product_ids: Iterable[Any], inventory_settings: InventorySettings | None = None
) -> list[Product]:
    """The out-of-stock action (or reactivation) and the alerts of these products, from their stored stock.

    Conditional UPDATEs: a product whose stock moved again since it was read is left as the next write finds it."""
    ids = sorted({str(pk) for pk in product_ids})
    if not ids:
        return []
    inventory_settings = inventory_settings or _inventory_settings(merchant)
    open_alert = _open_alert()
    products = list(
        Product.objects.filter(merchant=merchant, pk__in=ids)
        .defer("supplier_data")
        .annotate(open_alert_id=Subquery(open_alert.values("pk")), open_alert_kind=Subquery(open_alert.values("kind")))
        .order_by("pk")
    )
    actions = {product.pk: stock_action(product, inventory_settings) for product in products}
    now = timezone.now()
    to_deactivate = [pk for pk, action in actions.items() if action == "deactivate"]
    to_reactivate = [pk for pk, action in actions.items() if action == "reactivate"]
    if to_deactivate:
        Product.objects.filter(pk__in=to_deactivate, is_active=True, stock_quantity__lte=0).update(
            is_active=False, auto_deactivated=True, updated_at=now
        )
    if to_reactivate:
        Product.objects.filter(
            pk__in=to_reactivate, auto_deactivated=True, is_available=True, stock_quantity__gt=0
        ).update(is_active=True, auto_deactivated=False, updated_at=now)
    for product in products:
        if actions[product.pk] == "deactivate":
            product.is_active, product.auto_deactivated = False, True
        elif actions[product.pk] == "reactivate":
            product.is_active, product.auto_deactivated = True, False
    open_alerts = {p.pk: OpenAlert(p.open_alert_id, p.open_alert_kind) for p in products if p.open_alert_id}
    update_alerts(merchant, products, inventory_settings, open_alerts)
    return products


# --- alerts ---------------------------------------------------------------------------------------


def alert_kind_for(product: Product, default_threshold: int) -> str | None:
    status = product.stock_status(default_threshold)
    return {StockStatus.OUT: AlertKind.OUT_OF_STOCK, StockStatus.LOW: AlertKind.LOW_STOCK}.get(status)


def alert_message(product: Product, kind: str, threshold: int) -> str:
    if kind == AlertKind.LOW_STOCK:
        return f"{product.name} has {product.stock_quantity} left to sell (threshold {threshold})."
    if product.supplier_stock > 0:
        return (
            f"{product.name} is sold out: the {product.supplier_stock} unit(s) CJ has are held by open orders. "
            "It comes back if an order is cancelled or CJ restocks."
        )
    return f"{product.name} is out of stock at CJ. It comes back when CJ restocks (the next sync sees it)."


def update_alerts(
    merchant: Merchant,
    products: Sequence[Product],
    inventory_settings: InventorySettings,
    open_alerts: dict[Any, OpenAlert] | None = None,
) -> None:
    """Open an alert (and notify once) when an episode starts; resolve it when stock recovers or the kind changes.

    `open_alerts`: the products' open alerts when the caller has read them already."""
    if not products:
        return
    if open_alerts is None:
        open_alerts = {
            product_id: OpenAlert(pk, kind)
            for pk, product_id, kind in StockAlert.objects.filter(
                merchant=merchant, state=AlertState.OPEN, product_id__in=[p.pk for p in products]
            ).values_list("pk", "product_id", "kind")
        }
    now = timezone.now()
    to_resolve, to_open, recovered = [], [], []
    for product in products:
        kind = alert_kind_for(product, inventory_settings.low_stock_threshold)
        current = open_alerts.get(product.pk)
        if current is not None and current.kind != kind:
            to_resolve.append(current.pk)
            if current.kind == AlertKind.OUT_OF_STOCK:
                recovered.append(product)
            current = None
        if kind is not None and current is None:
            to_open.append(
                StockAlert(
                    merchant=merchant,
                    product=product,
                    kind=kind,
                    stock_quantity=product.stock_quantity,
                    threshold=product.threshold(inventory_settings.low_stock_threshold),
                    notified_at=now,
                )
            )
    if to_resolve:
        StockAlert.objects.filter(pk__in=to_resolve).update(state=AlertState.RESOLVED, resolved_at=now)
    if to_open:
        StockAlert.objects.bulk_create(to_open)
    if to_open or recovered:
        opened = [(alert, alert_message(alert.product, alert.kind, alert.threshold)) for alert in to_open]
        stock_notices.announce(merchant, opened, recovered)
