from __future__ import annotations

import uuid
from decimal import Decimal

from auditlog.registry import auditlog
from django.core.validators import MinValueValidator
from django.db import models

from nexusone.accounts.choices import SyncFrequency
from nexusone.accounts.models import Merchant
from nexusone.core.tenancy import MerchantOwned

from .choices import (
    ACTIVE_SYNC_STATUSES,
    AlertKind,
    AlertState,
    ChangeKind,
    ChangeStatus,
    MarkupType,
    OutOfStockAction,
    PriceCycle,
    StockStatus,
    SyncStatus,
    SyncTrigger,
)

DEFAULT_LOW_STOCK_THRESHOLD = 5
MAX_TAGS_PER_PRODUCT = 20
MAX_LOW_STOCK_THRESHOLD = 1_000_000


class Category(MerchantOwned):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"
        constraints = [models.UniqueConstraint(fields=["merchant", "name"], name="category_unique_name")]

    def __str__(self) -> str:
        return self.name


class Tag(MerchantOwned):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["merchant", "name"], name="tag_unique_name")]

    def __str__(self) -> str:
        return self.name


class PricingRule(MerchantOwned):
    """How a supplier cost becomes a selling price: markup, optional .99 ending, minimum profit."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100, default="Default")
    markup_type = models.CharField(max_length=20, choices=MarkupType.choices, default=MarkupType.PERCENT)
    markup_value = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("40"), validators=[MinValueValidator(Decimal("0"))]
    )
    round_to_99 = models.BooleanField(default=False, help_text="End prices in .99")
    minimum_profit = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["merchant", "name"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_markup_type_display()} {self.markup_value})"


class Product(MerchantOwned):
    """A supplier product in the merchant's catalog. Its stock figures are the sums of its variants'."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    supplier = models.CharField(max_length=20, default="cj")
    external_id = models.CharField(max_length=64, help_text="The supplier's product id (CJ pid).")
    name = models.CharField(max_length=500)
    sku = models.CharField(max_length=200, blank=True, default="")
    image_url = models.URLField(max_length=1000, blank=True, default="")
    source_url = models.URLField(max_length=1000, blank=True, default="")
    cost_price = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    price = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(max_length=3, default="USD")
    markup = models.JSONField(default=dict, blank=True, help_text='e.g. {"type": "percent", "value": "40"}')
    price_locked = models.BooleanField(default=False)
    stock_quantity = models.IntegerField(default=0, help_text="What can still be sold: supplier stock less reserved.")
    supplier_stock = models.IntegerField(default=0, help_text="The supplier's stock in the ship-from countries.")
    reserved_quantity = models.IntegerField(default=0, help_text="Units held by our open orders.")
    is_active = models.BooleanField(default=True)
    is_available = models.BooleanField(default=True, help_text="Whether the supplier still sells it.")
    supplier_data = models.JSONField(default=dict, blank=True)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="products")
    tags = models.ManyToManyField(Tag, blank=True, related_name="products")
    low_stock_threshold = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: the merchant's default.")
    last_sync_at = models.DateTimeField(null=True, blank=True)
    pricing_rule = models.ForeignKey(
        PricingRule,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="products",
        help_text="Empty: the merchant's default rule (the product's own markup still wins).",
    )
    auto_deactivated = models.BooleanField(default=False, help_text="Deactivated by a sync because it ran out.")
    missing_count = models.PositiveSmallIntegerField(default=0, help_text="Consecutive syncs the supplier lacked it.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "supplier", "external_id"], name="product_unique_external"),
        ]
        # Every list order is (field, id) per merchant (ProductPagination): each has its index, scanned in
        # either direction, so a page costs the same at 1,000 products as at 100,000. Search has trigram
        # indexes (migration 0006, PostgreSQL only), which row-level security keeps from being used
        # (inventory.filters.product_search).
        indexes = [
            models.Index(fields=["merchant", "-created_at", "-id"], name="product_merchant_created"),
            models.Index(fields=["merchant", "price", "id"], name="product_merchant_price"),
            models.Index(fields=["merchant", "name", "id"], name="product_merchant_name"),
            models.Index(fields=["merchant", "external_id"], name="product_merchant_external"),
            models.Index(fields=["merchant", "category", "-created_at", "-id"], name="product_merchant_category"),
            models.Index(fields=["merchant", "stock_quantity"]),
            models.Index(fields=["merchant", "is_active"]),
            models.Index(fields=["merchant", "last_sync_at"]),
        ]

    def __str__(self) -> str:
        return self.name

    def threshold(self, default: int = DEFAULT_LOW_STOCK_THRESHOLD) -> int:
        return self.low_stock_threshold if self.low_stock_threshold is not None else default

    def stock_status(self, default_threshold: int = DEFAULT_LOW_STOCK_THRESHOLD) -> str:
        if self.stock_quantity <= 0:
            return StockStatus.OUT
        if self.stock_quantity <= self.threshold(default_threshold):
            return StockStatus.LOW
        return StockStatus.IN_STOCK

    @property
    def margin(self) -> Decimal | None:
        """Profit as a share of the price, in percent."""
        if not self.price:
            return None
        return ((self.price - self.cost_price) / self.price * 100).quantize(Decimal("0.1"))


class Variant(MerchantOwned):
    """A sellable variant.

    `supplier_stock` mirrors the supplier (its warehouses in the ship-from countries), `reserved_quantity`
    is held by our open orders, and `stock_quantity` is what can still be sold: supplier stock less
    reserved, never below 0. It is stored (and indexed on products) so filters and ordering use it;
    inventory.stock is the one writer of all three.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    external_id = models.CharField(max_length=64, help_text="The supplier's variant id (CJ vid).")
    sku = models.CharField(max_length=200, blank=True, default="")
    name = models.CharField(max_length=500, blank=True, default="")
    attributes = models.JSONField(default=dict, blank=True)
    image_url = models.URLField(max_length=1000, blank=True, default="")
    weight_grams = models.PositiveIntegerField(null=True, blank=True)
    cost_price = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    price = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    stock_quantity = models.IntegerField(default=0, help_text="What can still be sold: supplier stock less reserved.")
    supplier_stock = models.IntegerField(default=0, help_text="The supplier's stock in the ship-from countries.")
    reserved_quantity = models.IntegerField(default=0, help_text="Units held by our open orders.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "sku"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "product", "external_id"], name="variant_unique_external"),
            models.CheckConstraint(condition=models.Q(reserved_quantity__gte=0), name="variant_reserved_non_negative"),
            models.CheckConstraint(condition=models.Q(stock_quantity__gte=0), name="variant_sellable_non_negative"),
        ]
        indexes = [models.Index(fields=["merchant", "external_id"])]

    def __str__(self) -> str:
        return f"{self.product.name} / {self.name or self.sku}"


class ProductFreshness(MerchantOwned):
    """How fresh a product's supplier data is: when its stock and costs were last read, when the supplier
    last said it changed, whether the supplier sends its messages. Kept apart from the product row so that
    marking a read never rewrites the product (a sync writes only products that changed)."""

    product = models.OneToOneField(Product, primary_key=True, on_delete=models.CASCADE, related_name="freshness")
    stock_read_at = models.DateTimeField(null=True, blank=True, help_text="Last read of its stock at the supplier.")
    price_read_at = models.DateTimeField(null=True, blank=True, help_text="Last read of its costs at the supplier.")
    changed_at = models.DateTimeField(null=True, blank=True, help_text="Last time the supplier said it changed.")
    subscribed_at = models.DateTimeField(
        null=True, blank=True, help_text="Subscribed to the supplier's product, variant and stock messages."
    )

    class Meta:
        verbose_name_plural = "product freshness"
        indexes = [models.Index(fields=["merchant", "stock_read_at"], name="freshness_stock_read")]

    def __str__(self) -> str:
        return f"Freshness of {self.product_id}"


class StoreSyncHealth(Merchant):
    """The staff view of every store's sync health in Django admin (`inventory.admin`); no table of its own."""

    class Meta:
        proxy = True
        verbose_name = "store sync health"
        verbose_name_plural = "sync health of stores"


class InventorySettings(models.Model):
    """A merchant's inventory preferences: thresholds, schedule, out-of-stock handling, pricing."""

    merchant = models.OneToOneField("accounts.Merchant", on_delete=models.CASCADE, related_name="inventory_settings")
    low_stock_threshold = models.PositiveIntegerField(default=DEFAULT_LOW_STOCK_THRESHOLD)
    sync_frequency = models.CharField(
        max_length=20,
        choices=SyncFrequency.choices,
        default=SyncFrequency.DAILY,
        help_text="The stock freshness target: the planner refreshes within CJ's daily points.",
    )
    price_cycle = models.CharField(
        max_length=20,
        choices=PriceCycle.choices,
        default=PriceCycle.DAILY,
        help_text="How often supplier costs are re-read; CJ's price messages arrive in between.",
    )
    out_of_stock_action = models.CharField(
        max_length=20, choices=OutOfStockAction.choices, default=OutOfStockAction.DEACTIVATE
    )
    reactivate_when_back = models.BooleanField(default=True, help_text="Reactivate products the sync deactivated.")
    price_guardrail_percent = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=Decimal("30"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Hold a supplier cost move larger than this for review.",
    )
    ship_from_countries = models.JSONField(
        default=list, blank=True, help_text="Warehouse country codes you ship from; empty: all."
    )
    default_pricing_rule = models.ForeignKey(
        PricingRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "inventory settings"

    def __str__(self) -> str:
        return f"Inventory settings of {self.merchant_id}"

    @property
    def countries(self) -> frozenset[str] | None:
        return frozenset(c.upper() for c in self.ship_from_countries) if self.ship_from_countries else None


class SyncRun(MerchantOwned):
    """One sync of stock and prices (the sync log), with live progress and counts."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    trigger = models.CharField(max_length=20, choices=SyncTrigger.choices, default=SyncTrigger.MANUAL)
    status = models.CharField(max_length=20, choices=SyncStatus.choices, default=SyncStatus.QUEUED)
    is_full = models.BooleanField(default=True, help_text="Every product, not a chosen few.")
    dry_run = models.BooleanField(default=False)
    product_ids = models.JSONField(default=list, blank=True)
    stock_only_ids = models.JSONField(
        default=list, blank=True, help_text="Of product_ids, those whose stock alone is read (not their costs)."
    )
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    api_calls = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    started_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["merchant", "-created_at"])]
        constraints = [
            # The lock: at most one queued or running full sync per merchant.
            models.UniqueConstraint(
                fields=["merchant"],
                condition=models.Q(is_full=True, status__in=ACTIVE_SYNC_STATUSES),
                name="syncrun_one_active_full_sync",
            ),
        ]

    def __str__(self) -> str:
        return f"Sync {self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_SYNC_STATUSES

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if not self.is_active else 0
        return min(100, round(self.processed * 100 / self.total))


class SyncChange(MerchantOwned):
    """One changed product or variant in a sync: old and new stock and price; held ones await review."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    run = models.ForeignKey(SyncRun, null=True, blank=True, on_delete=models.CASCADE, related_name="changes")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="sync_changes")
    variant = models.ForeignKey(Variant, null=True, blank=True, on_delete=models.CASCADE, related_name="sync_changes")
    kind = models.CharField(max_length=20, choices=ChangeKind.choices, default=ChangeKind.STOCK)
    status = models.CharField(max_length=20, choices=ChangeStatus.choices, default=ChangeStatus.APPLIED)
    old_stock = models.IntegerField(null=True, blank=True)
    new_stock = models.IntegerField(null=True, blank=True)
    old_cost = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    new_cost = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    old_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    new_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    note = models.CharField(max_length=300, blank=True, default="")
    details = models.JSONField(default=dict, blank=True, help_text="Held price moves: the new cost per variant.")
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["merchant", "status", "-created_at"]),
            models.Index(fields=["run", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} change of {self.product_id} ({self.status})"

    @property
    def cost_move_percent(self) -> Decimal | None:
        if not self.old_cost or self.new_cost is None:
            return None
        return ((self.new_cost - self.old_cost) / self.old_cost * 100).quantize(Decimal("0.1"))


class StockAlert(MerchantOwned):
    """A low- or out-of-stock episode of a product: opened once, notified once, resolved on recovery."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="alerts")
    variant = models.ForeignKey(Variant, null=True, blank=True, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=20, choices=AlertKind.choices)
    state = models.CharField(max_length=20, choices=AlertState.choices, default=AlertState.OPEN)
    stock_quantity = models.IntegerField(default=0)
    threshold = models.PositiveIntegerField(default=DEFAULT_LOW_STOCK_THRESHOLD)
    notified_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["merchant", "state", "-created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "product"],
                condition=models.Q(state=AlertState.OPEN),
                name="stockalert_one_open_per_product",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.product_id} ({self.state})"


auditlog.register(PricingRule)
auditlog.register(InventorySettings)
auditlog.register(Product, exclude_fields=["supplier_data", "updated_at", "last_sync_at"])
auditlog.register(Category)
auditlog.register(Tag)
