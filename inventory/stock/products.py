"""Products after a stock write: their sums of the variants, the stock rules (out-of-stock action, reactivation)
and the alerts. Each rule lives here once."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db import connection, transaction
from django.db.models import F, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from nexusone.core.events import publish_event

from .. import stock_notices
from ..choices import AlertKind, AlertState, OutOfStockAction, StockStatus
from ..models import InventorySettings, Product, StockAlert, Variant
from .figures import sellable

if TYPE_CHECKING:
    from nexusone.accounts.models import Merchant

# What the stock rules need of a product just written (ProductStock, then SETTINGS_FIELDS), for UPDATE … RETURNING.
PRODUCT_STOCK_RETURNING = """p.id, p.stock_quantity, p.low_stock_threshold, p.is_active, p.auto_deactivated,
    p.is_available, (SELECT a.kind FROM inventory_stockalert a WHERE a.product_id = p.id AND a.state = 'open' LIMIT 1),
    st.low_stock_threshold, st.out_of_stock_action, st.reactivate_when_back
"""


def lock_products(ids: Iterable[Any]) -> None:
    """Lock products in pk order (as variants are, so writers never deadlock) in a statement of their own: a
    statement that begins after the wait sees every change committed meanwhile (READ COMMITTED)."""
    list(
        Product.objects.select_for_update()
        .filter(pk__in=sorted({str(pk) for pk in ids}))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


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
    from ..actions import get_inventory_settings  # the settings' one reader (it creates them on first use)

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
