from __future__ import annotations

import uuid
from decimal import Decimal

from auditlog.registry import auditlog
from django.db import models

from nexusone.core.tenancy import MerchantOwned

DEFAULT_LOW_STOCK_THRESHOLD = 5


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


class Product(MerchantOwned):
    """A supplier product in the merchant's catalog. Stock is the sum of its variants."""

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
    stock_quantity = models.IntegerField(default=0)
    is_active = models.BooleanField(default=True)
    is_available = models.BooleanField(default=True, help_text="Whether the supplier still sells it.")
    supplier_data = models.JSONField(default=dict, blank=True)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="products")
    tags = models.ManyToManyField(Tag, blank=True, related_name="products")
    low_stock_threshold = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: the merchant's default.")
    last_sync_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "supplier", "external_id"], name="product_unique_external"),
        ]
        indexes = [
            models.Index(fields=["merchant", "-created_at"]),
            models.Index(fields=["merchant", "stock_quantity"]),
            models.Index(fields=["merchant", "is_active"]),
            models.Index(fields=["merchant", "last_sync_at"]),
        ]

    def __str__(self) -> str:
        return self.name


class Variant(MerchantOwned):
    """A sellable variant. `stock_quantity` mirrors the supplier; `reserved_quantity` is held by our orders."""

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
    stock_quantity = models.IntegerField(default=0)
    reserved_quantity = models.IntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "sku"]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "product", "external_id"], name="variant_unique_external"),
            models.CheckConstraint(condition=models.Q(reserved_quantity__gte=0), name="variant_reserved_non_negative"),
        ]
        indexes = [models.Index(fields=["merchant", "external_id"])]

    def __str__(self) -> str:
        return f"{self.product.name} / {self.name or self.sku}"

    @property
    def available_quantity(self) -> int:
        return max(self.stock_quantity - self.reserved_quantity, 0)


auditlog.register(Product, exclude_fields=["supplier_data", "updated_at", "last_sync_at"])
auditlog.register(Category)
auditlog.register(Tag)
