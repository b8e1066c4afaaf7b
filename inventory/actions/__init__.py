"""Inventory operations, one subsystem per module; views, the API, tasks, commands and other apps call these.

- `preferences`: the merchant's inventory settings and default pricing rule
- `pricing`: the merchant's rules as `PriceRule`s (`inventory.pricing` holds the arithmetic)
- `repricing`: applying a rule to products (preview, apply, after a markup edit)
- `catalog`: product edits, bulk actions, delete; categories and tags
- `listing`: what the catalog page shows of a product (stock status, last confirmed by a sync)
- `schedules`: the periodic sync task per merchant
- `review`: held supplier cost moves (approve, reject, superseded)
- `sync`: the sync engine (`run`, `fetch`, `diff`, `write`)
- `planner`: the schedule as a freshness target within CJ's daily points (plan, planned cycles)
- `subscriptions`: the catalog subscribed to the supplier's product, variant and stock messages
- `health`: the sync health panel (dashboard home and the staff view across stores)

Stock bookkeeping and the alert rules are `inventory.stock`. Callers write `actions.start_sync(...)`;
the names other apps, views, tasks and commands use are re-exported below. Inside the package, modules
import from each other's modules directly.
"""

from .catalog import bulk_update_products, delete_product, update_product
from .health import sync_health, sync_health_for
from .listing import catalog_rows
from .planner import FreshnessPlan, freshness_plan, run_planned_cycle
from .preferences import get_inventory_settings, on_plan_changed, update_inventory_settings
from .pricing import compute_price, rule_with_markup
from .repricing import apply_pricing_rule, preview_pricing
from .review import approve_change, reject_change
from .schedules import SCHEDULED_SYNC_TASK, schedule_name, schedule_offset, schedule_syncs
from .subscriptions import reconcile_subscriptions, subscribe_products, unsubscribe_products
from .sync.diff import ProductRow, VariantRow
from .sync.run import apply_supplier_stock_event, execute_sync, start_sync
from .sync.write import write_changed_rows

__all__ = [
    "SCHEDULED_SYNC_TASK",
    "FreshnessPlan",
    "ProductRow",
    "VariantRow",
    "apply_pricing_rule",
    "apply_supplier_stock_event",
    "approve_change",
    "bulk_update_products",
    "catalog_rows",
    "compute_price",
    "delete_product",
    "execute_sync",
    "freshness_plan",
    "get_inventory_settings",
    "on_plan_changed",
    "preview_pricing",
    "reconcile_subscriptions",
    "reject_change",
    "rule_with_markup",
    "run_planned_cycle",
    "schedule_name",
    "schedule_offset",
    "schedule_syncs",
    "start_sync",
    "subscribe_products",
    "sync_health",
    "sync_health_for",
    "unsubscribe_products",
    "update_inventory_settings",
    "update_product",
    "write_changed_rows",
]
