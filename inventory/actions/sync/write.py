"""The sync's write phase: pending diffs flushed in batches, one conditional UPDATE per table per batch.

Then, in the same transaction: the change records, held moves superseded, and the stock rules
(alerts, the out-of-stock action) for the products written.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone

from ...choices import ChangeKind, ChangeStatus
from ...models import Product, SyncChange, Variant
from ...stock import apply_stock_rules, lock_products, publish_stock_changed, resum_products, sellable
from ..review import supersede_held
from .diff import SYNC_STATE_FIELDS, ProductRow, SyncContext, VariantRow

if TYPE_CHECKING:
    from ...models import SyncRun

WRITE_BATCH_ROWS = 1000  # changed rows per UPDATE statement
FLUSH_SECONDS = 2.0  # pending changes never wait longer than this to be written


@dataclass
class PendingWrites:
    """Diffs waiting to be written: flushed every WRITE_BATCH_ROWS rows or FLUSH_SECONDS, and at the end.

    With 5% of products changing, a read batch of 50 holds two or three changed rows; writing
    a thousand rows per statement instead keeps the write phase close to a raw COPY + UPDATE.
    """

    product_rows: list[ProductRow] = field(default_factory=list)
    variant_rows: list[VariantRow] = field(default_factory=list)
    changes: list[SyncChange] = field(default_factory=list)
    products: list[Product] = field(default_factory=list)
    since: float = field(default_factory=time.monotonic)

    def due(self) -> bool:
        rows = len(self.product_rows) + len(self.variant_rows)
        if len(self.products) >= 5 * WRITE_BATCH_ROWS:  # bounds memory: alerts need the product objects
            return True
        return rows >= WRITE_BATCH_ROWS or (rows > 0 and time.monotonic() - self.since >= FLUSH_SECONDS)

    def clear(self) -> None:
        self.product_rows, self.variant_rows, self.changes, self.products = [], [], [], []
        self.since = time.monotonic()


def flush_writes(run: SyncRun, pending: PendingWrites, context: SyncContext) -> list[dict[str, str]]:
    """Write the pending rows, their change records and alerts in one transaction. Returns problems to report."""
    errors = []
    if context.dry_run or not (pending.product_rows or pending.variant_rows or pending.changes or pending.products):
        pending.clear()
        return errors
    with transaction.atomic():
        conflicts = write_changed_rows(run.merchant_id, pending.product_rows, pending.variant_rows, now=context.now)
        if conflicts:
            errors.append({"detail": f"{conflicts} row(s) changed meanwhile and were left for the next sync."})
        for change in pending.changes:
            change.run = run
        supersede_held(run.merchant_id, [c for c in pending.changes if c.status == ChangeStatus.HELD])
        SyncChange.objects.bulk_create(pending.changes, batch_size=1000)
        if conflicts:  # a product skipped while some of its variants were written: its sums must still follow them
            resum_products(
                run.merchant_id,
                {row.id for row in pending.product_rows} | {change.product.pk for change in pending.changes},
            )
        apply_stock_rules(run.merchant, [product.pk for product in pending.products], context.settings)
        publish_stock_changed(run.merchant_id, [c.product.pk for c in pending.changes if c.kind == ChangeKind.STOCK])
    pending.clear()
    return errors


def write_changed_rows(
    merchant_id: Any, product_rows: Sequence[ProductRow], variant_rows: Sequence[VariantRow], *, now: Any = None
) -> int:
    """Write changed rows, one statement per table per batch. Returns rows skipped because they moved meanwhile.

    On PostgreSQL: `UPDATE … FROM unnest(…)` over the batch's values, guarded by the supplier stock as
    read (a conditional update whose row count is checked); elsewhere (the SQLite demo) Django's
    bulk_update. A variant's sellable stock is computed from its reservation as the row stands; a
    product's figures are the sums of its variants as just written.
    """
    now = now or timezone.now()
    if len(product_rows) > WRITE_BATCH_ROWS or len(variant_rows) > WRITE_BATCH_ROWS:
        skipped = 0
        for start in range(0, max(len(product_rows), len(variant_rows)), WRITE_BATCH_ROWS):
            chunk = slice(start, start + WRITE_BATCH_ROWS)
            skipped += write_changed_rows(merchant_id, product_rows[chunk], variant_rows[chunk], now=now)
        return skipped
    if connection.vendor != "postgresql":
        return _bulk_update_rows(merchant_id, product_rows, variant_rows, now)
    skipped = 0
    # One statement per table: the batch's values travel as one array per column (unnest), which
    # PostgreSQL binds far faster than thousands of VALUES placeholders.
    with connection.cursor() as cursor:
        if variant_rows:
            columns = list(zip(*variant_rows, strict=True))
            cursor.execute(
                """UPDATE inventory_variant AS t
                SET supplier_stock = v.stock, stock_quantity = GREATEST(v.stock - t.reserved_quantity, 0),
                    cost_price = v.cost, price = v.price, updated_at = %s
                FROM unnest(%s::uuid[], %s::integer[], %s::integer[], %s::numeric[], %s::numeric[])
                    AS v(id, old_stock, stock, cost, price)
                WHERE t.id = v.id AND t.merchant_id = %s AND t.supplier_stock = v.old_stock""",
                [now, *(list(column) for column in columns), merchant_id],
            )
            skipped += len(variant_rows) - cursor.rowcount
        if product_rows:
            # Locked first, summed in the next statement (see lock_products).
            lock_products(row.id for row in product_rows)
            columns = list(zip(*product_rows, strict=True))
            cursor.execute(
                """UPDATE inventory_product AS t
                SET supplier_stock = COALESCE(s.supplier, v.stock),
                    reserved_quantity = COALESCE(s.reserved, t.reserved_quantity),
                    stock_quantity = COALESCE(s.sellable, GREATEST(v.stock - t.reserved_quantity, 0)),
                    cost_price = v.cost, price = v.price,
                    is_active = CASE WHEN v.deactivates THEN v.active ELSE t.is_active END,
                    auto_deactivated = CASE WHEN v.deactivates THEN v.auto ELSE t.auto_deactivated END,
                    is_available = v.available, missing_count = v.missing,
                    last_sync_at = %s, updated_at = %s
                FROM unnest(%s::uuid[], %s::integer[], %s::integer[], %s::numeric[], %s::numeric[],
                            %s::boolean[], %s::boolean[], %s::boolean[], %s::smallint[], %s::boolean[])
                    AS v(id, old_stock, stock, cost, price, active, available, auto, missing, deactivates)
                -- the sums of the variants as just written (a product without variants keeps its own figure)
                LEFT JOIN LATERAL (
                    SELECT SUM(pv.supplier_stock) AS supplier, SUM(pv.reserved_quantity) AS reserved,
                           SUM(pv.stock_quantity) AS sellable
                    FROM inventory_variant pv WHERE pv.product_id = v.id
                ) AS s ON TRUE
                WHERE t.id = v.id AND t.merchant_id = %s AND t.supplier_stock = v.old_stock""",
                [now, now, *(list(column) for column in columns), merchant_id],
            )
            skipped += len(product_rows) - cursor.rowcount
    return skipped


def _bulk_update_rows(
    merchant_id: Any, product_rows: Sequence[ProductRow], variant_rows: Sequence[VariantRow], now: Any
) -> int:
    variants = [
        Variant(id=r.id, supplier_stock=r.supplier_stock, cost_price=r.cost_price, price=r.price, updated_at=now)
        for r in variant_rows
    ]
    Variant.objects.bulk_update(variants, ["supplier_stock", "cost_price", "price", "updated_at"])
    Variant.objects.filter(pk__in=[r.id for r in variant_rows]).update(stock_quantity=sellable())
    products = [
        Product(id=r.id, last_sync_at=now, updated_at=now, **{name: getattr(r, name) for name in SYNC_STATE_FIELDS})
        for r in product_rows
    ]
    Product.objects.bulk_update(products, [*SYNC_STATE_FIELDS, "last_sync_at", "updated_at"])
    resum_products(merchant_id, (r.id for r in product_rows))
    return 0
