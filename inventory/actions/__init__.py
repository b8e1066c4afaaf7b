"""Inventory operations, one subsystem per module; views, the API, tasks, commands and other apps call these.

- `preferences`: the merchant's inventory settings and default pricing rule
- `pricing`: the merchant's rules as `PriceRule`s (`inventory.pricing` holds the arithmetic)
- `repricing`: applying a rule to products (preview, apply, after a markup edit)
- `catalog`: product edits, bulk actions, delete; categories and tags
- `listing`: what the catalog page shows of a product (stock status, last confirmed by a sync)
- `schedules`: the periodic sync task per merchant
- `review`: held supplier cost moves (approve, reject, superseded)
- `sync`: the sync engine (`run`, `fetch`, `diff`, `write`)

Stock bookkeeping and the alert rules are `inventory.stock`. Callers write `actions.start_sync(...)`;
the names below are re-exported from their modules.
"""

from ..stock import alert_kind_for, update_alerts
from .catalog import (
    PRODUCT_EDIT_FIELDS,
    bulk_update_products,
    clean_category_name,
    clean_tag_names,
    delete_product,
    resolve_category,
    resolve_tags,
    update_product,
)
from .listing import CatalogRow, catalog_rows, last_full_sync_at
from .preferences import (
    RULE_FIELDS,
    SETTINGS_FIELDS,
    get_inventory_settings,
    on_plan_changed,
    update_default_rule,
    update_inventory_settings,
)
from .pricing import compute_price, default_rule, rule_for_product, rule_from_model, rule_with_markup
from .repricing import PricePreview, apply_pricing_rule, preview_pricing, reprice
from .review import approve_change, reject_change
from .schedules import SCHEDULED_SYNC_TASK, allowed_frequency, schedule_name, schedule_offset, schedule_syncs
from .sync.diff import ProductRow, SyncContext, VariantRow, diff_products
from .sync.fetch import Fetched, RetryPolicy, fetch_product
from .sync.run import apply_supplier_stock_event, execute_sync, expire_stale_runs, start_sync, sync_batch
from .sync.write import flush_writes, write_changed_rows

__all__ = [
    "PRODUCT_EDIT_FIELDS",
    "RULE_FIELDS",
    "SCHEDULED_SYNC_TASK",
    "SETTINGS_FIELDS",
    "CatalogRow",
    "Fetched",
    "PricePreview",
    "ProductRow",
    "RetryPolicy",
    "SyncContext",
    "VariantRow",
    "alert_kind_for",
    "allowed_frequency",
    "apply_pricing_rule",
    "apply_supplier_stock_event",
    "approve_change",
    "bulk_update_products",
    "catalog_rows",
    "clean_category_name",
    "clean_tag_names",
    "compute_price",
    "default_rule",
    "delete_product",
    "diff_products",
    "execute_sync",
    "expire_stale_runs",
    "fetch_product",
    "flush_writes",
    "get_inventory_settings",
    "last_full_sync_at",
    "on_plan_changed",
    "preview_pricing",
    "reject_change",
    "reprice",
    "resolve_category",
    "resolve_tags",
    "rule_for_product",
    "rule_from_model",
    "rule_with_markup",
    "schedule_name",
    "schedule_offset",
    "schedule_syncs",
    "start_sync",
    "sync_batch",
    "update_alerts",
    "update_default_rule",
    "update_inventory_settings",
    "update_product",
    "write_changed_rows",
]
