"""Analytics rollups: one row per store and day, one per store, product and day; the facts they were built from.

Days are the store's own (Merchant.timezone). An order counts on the day it was confirmed; a later refund,
cancellation, shipment or delivery changes that day's row, so a period's figures are those of the orders
confirmed in it. Reports read these rows only, never order lines.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from nexusone.core.tenancy import MerchantOwned

ZERO = Decimal("0.00")

# The order-derived figures of a rollup row: rebuilt from orders, and the ones an order's fact adds to.
ORDER_COUNTERS = ("orders", "lines", "units")
ORDER_MONEY = ("revenue", "refunds", "cost", "commission_client", "commission_platform")
ORDER_FIGURES = ORDER_COUNTERS + ORDER_MONEY
RATING_FIGURES = ("rating_count", "rating_sum")


def _money() -> models.DecimalField:
    return models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)


class Figures(models.Model):
    """What a store sold on a day: the orders confirmed that day, as they stand now."""

    day = models.DateField(help_text="The store's calendar day (its time zone).")
    orders = models.IntegerField(default=0, help_text="Orders confirmed, neither cancelled nor fully refunded.")
    lines = models.IntegerField(default=0, help_text="Order lines of confirmed orders that were not cancelled.")
    units = models.IntegerField(default=0, help_text="Units of the counted orders.")
    revenue = _money()  # order totals less refunds
    refunds = _money()
    cost = _money()  # goods and postage paid to the supplier
    commission_client = _money()  # the ledger's client share
    commission_platform = _money()  # the ledger's platform share
    rating_count = models.IntegerField(default=0)
    rating_sum = models.IntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def margin(self) -> Decimal:
        return self.revenue - self.cost


class MerchantDay(MerchantOwned, Figures):
    """A store's day: order figures, fulfillment-time histograms, end-of-day stock, ratings."""

    id = models.BigAutoField(primary_key=True)
    # {"to_confirmed": {"<bucket>": count, ...}, ...}; buckets in analytics.actions.facts.
    fulfillment = models.JSONField(default=dict, blank=True)
    stock_end = models.IntegerField(null=True, blank=True, help_text="The store's sellable units at the day's end.")

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["merchant", "day"], name="merchant_day_unique")]

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.day}"


class ProductDay(MerchantOwned, Figures):
    """A product's day with activity: its share of the day's orders, storefront events and ratings.

    Only days with something to report have a row, so a period's rows grow with sales, not with the catalog
    (end-of-day stock of every product is in StockDay)."""

    id = models.BigAutoField(primary_key=True)
    product = models.ForeignKey("inventory.Product", on_delete=models.CASCADE, related_name="+", db_index=False)
    views = models.IntegerField(default=0)
    clicks = models.IntegerField(default=0)
    add_to_carts = models.IntegerField(default=0)

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "product", "day"], name="product_day_unique"),
        ]
        indexes = [models.Index(fields=["merchant", "day"], name="product_day_by_day")]

    def __str__(self) -> str:
        return f"{self.product_id} {self.day}"


class StockDay(MerchantOwned):
    """A product's sellable stock at the end of a store day (the day's last hourly snapshot)."""

    id = models.BigAutoField(primary_key=True)
    product = models.ForeignKey("inventory.Product", on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    stock_end = models.IntegerField()

    class Meta:
        ordering = ["day"]
        constraints = [models.UniqueConstraint(fields=["merchant", "product", "day"], name="stock_day_unique")]

    def __str__(self) -> str:
        return f"{self.product_id} {self.day}: {self.stock_end}"


class OrderFact(MerchantOwned):
    """What one order last added to the rollups, so the next change applies only the difference."""

    order = models.OneToOneField("orders.Order", on_delete=models.CASCADE, related_name="+", primary_key=True)
    day = models.DateField(null=True, blank=True, help_text="The store's day it counts on; empty: counts nothing.")
    contribution = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["merchant", "day"])]

    def __str__(self) -> str:
        return f"{self.order_id} on {self.day}"


class Rating(MerchantOwned):
    """A customer's 1–5 rating of a delivered order, given once through the link in the delivered email."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order = models.OneToOneField("orders.Order", on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    day = models.DateField(help_text="The store's day the rating was given.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["merchant", "day"])]
        constraints = [models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="rating_score_1_5")]

    def __str__(self) -> str:
        return f"{self.score}/5 for {self.order_id}"


class RollupVersion(MerchantOwned):
    """A counter per store that moves whenever the summary's ranked parts could change.

    The ranked parts (top products, category trends, the reorder bound) are cached under it
    (analytics.actions.versions). It moves with the product days' order figures (record_order, rebuild) and,
    through PostgreSQL triggers (migration 0004), with the catalog they are shown by: a product's name or
    category, a category's name, a product deleted."""

    id = models.BigAutoField(primary_key=True)
    version = models.BigIntegerField(default=0)
    windows_as_of = models.DateField(
        null=True, blank=True, help_text="The store day the ProductWindow rows end on; empty: not built yet."
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["merchant"], name="rollup_version_unique")]

    def __str__(self) -> str:
        return f"{self.merchant_id} v{self.version}"


# The preset windows kept per product (analytics.actions.windows): the page's presets (7, 30, 90 days ending
# today), the ones the category trends compare them with (last week = 14 - 7, last month = 60 - 30) and the
# reorder window (28 days).
WINDOW_DAYS = (7, 14, 28, 30, 60, 90)


class ProductWindow(MerchantOwned):
    """A product's order figures over the last `days` store days up to the store's `RollupVersion.windows_as_of`,
    summed over its product days with lines (what top products and category trends rank by).

    Kept by a PostgreSQL trigger on ProductDay (migration 0005), so every writer of the per-day rows keeps it
    too, and moved to a new day by analytics.actions.windows.current_windows."""

    id = models.BigAutoField(primary_key=True)
    product = models.ForeignKey("inventory.Product", on_delete=models.CASCADE, related_name="+", db_index=False)
    days = models.PositiveSmallIntegerField()
    lines = models.IntegerField(default=0)
    units = models.IntegerField(default=0)
    revenue = _money()
    cost = _money()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["merchant", "product", "days"], name="product_window_unique"),
        ]
        indexes = [models.Index(fields=["merchant", "days", "-revenue", "product"], name="product_window_top")]

    def __str__(self) -> str:
        return f"{self.product_id} {self.days} days"


class CategoryWindow(MerchantOwned):
    """A category's revenue over a preset window: the sum of its products' ProductWindow revenue.

    Kept by triggers (migration 0006) on analytics_productwindow and on a product's category; `category_id`
    is empty for products without one. No foreign key: a deleted category's products move first (its rows
    are then zero and read as uncategorised)."""

    id = models.BigAutoField(primary_key=True)
    category_id = models.UUIDField(null=True, blank=True)
    days = models.PositiveSmallIntegerField()
    revenue = _money()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "category_id", "days"], name="category_window_unique", nulls_distinct=False
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category_id} {self.days} days"
