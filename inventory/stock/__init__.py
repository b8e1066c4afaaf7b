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

Modules: `figures` (units, sellable stock, lock order, refusal), `holds` (the order-driven writes),
`products` (sums, rules, alerts). Callers import from `inventory.stock`.
"""

from .figures import OutOfStock, Quantities, add_up, in_lock_order, refuse, sellable, shortfall
from .holds import (
    consume,
    consume_units,
    release,
    release_units,
    reserve,
    reserve_units,
    reserve_with,
    restore,
    restore_units,
)
from .products import (
    PRODUCT_STOCK_RETURNING,
    OpenAlert,
    ProductStock,
    alert_kind_for,
    alert_message,
    apply_stock_rules,
    follow_rules,
    lock_products,
    publish_stock_changed,
    resum_products,
    settle,
    stock_action,
    update_alerts,
)

__all__ = [
    "PRODUCT_STOCK_RETURNING",
    "OpenAlert",
    "OutOfStock",
    "ProductStock",
    "Quantities",
    "add_up",
    "alert_kind_for",
    "alert_message",
    "apply_stock_rules",
    "consume",
    "consume_units",
    "follow_rules",
    "in_lock_order",
    "lock_products",
    "publish_stock_changed",
    "refuse",
    "release",
    "release_units",
    "reserve",
    "reserve_units",
    "reserve_with",
    "restore",
    "restore_units",
    "resum_products",
    "sellable",
    "settle",
    "shortfall",
    "stock_action",
    "update_alerts",
]
