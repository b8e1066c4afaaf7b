"""Analytics operations: rollups kept as orders and storefront events happen, and the reports read from them.

Each subsystem is a module; callers write `actions.record_order`, `actions.summary`, ...
"""

from .events import StorefrontEvent, record_storefront_events
from .overview import reorder_list, summary
from .periods import Period, parse_period, store_day, store_today, store_zone
from .ratings import AlreadyRated, InvalidRatingLink, order_for_token, rate_order, rating_token, rating_url
from .reports import (
    average_stock,
    category_trends,
    dashboard_cards,
    product_figures,
    product_names,
    product_row,
    reorder_suggestions,
    seasonal_units,
    top_products,
)
from .rollups import order_changed, rebuild, record_order, snapshot_stock

__all__ = [
    "AlreadyRated",
    "InvalidRatingLink",
    "Period",
    "StorefrontEvent",
    "average_stock",
    "category_trends",
    "dashboard_cards",
    "order_changed",
    "order_for_token",
    "parse_period",
    "product_figures",
    "product_names",
    "product_row",
    "rate_order",
    "rating_token",
    "rating_url",
    "rebuild",
    "record_order",
    "record_storefront_events",
    "reorder_list",
    "reorder_suggestions",
    "seasonal_units",
    "snapshot_stock",
    "store_day",
    "store_today",
    "store_zone",
    "summary",
    "top_products",
]
