"""One FilterSet for the product list: the API and the dashboard both use it."""

from __future__ import annotations

import contextlib
import uuid
from typing import TYPE_CHECKING

import django_filters
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from nexusone.core import tenancy

from .choices import AlertKind, AlertState, ChangeStatus, StockStatus, SyncStatus, SyncTrigger
from .models import Category, Product, StockAlert, SyncChange, SyncRun, Variant

if TYPE_CHECKING:
    from nexusone.accounts.models import Merchant

PRODUCT_ORDERING = (
    ("name", "name"),
    ("price", "price"),
    ("cost_price", "cost_price"),
    ("stock_quantity", "stock_quantity"),
    ("created_at", "created_at"),
    ("updated_at", "updated_at"),
    ("last_sync_at", "last_sync_at"),
)


def product_search(products: QuerySet, value: str, merchant: Merchant | None = None) -> QuerySet:
    """The ids of `products` whose name or SKU (or a variant's SKU) holds `value`, or whose CJ ID is `value`
    as typed or in upper case: a union of index scans, not a join + DISTINCT.

    `merchant`: the store `products` belong to. When it is the store the request runs for, on PostgreSQL, the
    text matches come from `inventory_search_product_ids` (migration 0012), which can use the trigram indexes
    that row-level security keeps from the application's own queries."""
    candidates = products.order_by().values("pk")
    by_external_id = candidates.filter(external_id__in={value, value.upper()})
    if _searched_by_function(merchant):
        term = connection.ops.prep_for_like_query(value)
        by_text = candidates.filter(pk__in=RawSQL("SELECT * FROM inventory_search_product_ids(%s)", [term]))
        return by_text.union(by_external_id)
    by_text = candidates.filter(Q(name__icontains=value) | Q(sku__icontains=value))
    variants = Variant.objects.filter(merchant=merchant) if merchant is not None else Variant.objects.all()
    by_variant_sku = variants.filter(sku__icontains=value).order_by().values("product_id")
    return by_text.union(by_external_id, by_variant_sku)


def _searched_by_function(merchant: Merchant | None) -> bool:
    """Whether the search function answers for `merchant`: it reads the store the database is told about."""
    return (
        merchant is not None and connection.vendor == "postgresql" and tenancy.scope().merchant_id == str(merchant.pk)
    )


class ProductFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Search")
    stock = django_filters.ChoiceFilter(choices=StockStatus.choices, method="filter_stock", label="Stock")
    is_active = django_filters.BooleanFilter()
    category = django_filters.CharFilter(
        method="filter_category", label="Category", help_text="The category's name (any case), or its id."
    )
    tag = django_filters.CharFilter(method="filter_tag")
    external_id = django_filters.CharFilter()
    ordering = django_filters.OrderingFilter(fields=PRODUCT_ORDERING)

    class Meta:
        model = Product
        fields = ["search", "stock", "is_active", "category", "tag", "external_id"]

    def __init__(self, *args, default_threshold: int = 5, merchant: Merchant | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.default_threshold = default_threshold
        self.merchant = merchant

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Name or SKU containing the term (any case), a variant SKU containing it, or the exact CJ product id.

        The matching ids come from a UNION of the store's rows (see `product_search`), not from a join with
        DISTINCT."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(pk__in=product_search(queryset, value, self.merchant))

    def filter_stock(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        threshold = Coalesce(F("low_stock_threshold"), self.default_threshold)
        queryset = queryset.alias(effective_threshold=threshold)
        if value == StockStatus.OUT:
            return queryset.filter(stock_quantity__lte=0)
        if value == StockStatus.LOW:
            return queryset.filter(stock_quantity__gt=0, stock_quantity__lte=F("effective_threshold"))
        return queryset.filter(stock_quantity__gt=F("effective_threshold"))

    def filter_category(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        matches = Q(name__iexact=value)
        with contextlib.suppress(ValueError):
            matches |= Q(pk=uuid.UUID(value))
        if self.merchant is None:
            return queryset.filter(category__in=Category.objects.filter(matches))
        # The store's category ids first: a page of one category is then an ordered scan of the
        # (merchant, category, -created_at, -id) index, however many products the category holds.
        ids = list(Category.objects.for_merchant(self.merchant).filter(matches).values_list("pk", flat=True))
        return queryset.filter(category_id__in=ids)

    def filter_tag(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(tags__name__iexact=value).distinct()


class SyncRunFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(method="filter_search", label="Product")
    status = django_filters.ChoiceFilter(choices=SyncStatus.choices)
    trigger = django_filters.ChoiceFilter(choices=SyncTrigger.choices)

    class Meta:
        model = SyncRun
        fields = ["search", "status", "trigger"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Runs that changed a product found by `value` (as the product search finds it)."""
        value = value.strip()
        if not value:
            return queryset
        products = product_search(Product.objects.filter(merchant_id__in=queryset.values("merchant_id")), value)
        return queryset.filter(Exists(SyncChange.objects.filter(run=OuterRef("pk"), product__in=products)))


class StockAlertFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=AlertState.choices)
    kind = django_filters.ChoiceFilter(choices=AlertKind.choices)

    class Meta:
        model = StockAlert
        fields = ["state", "kind"]


class SyncChangeFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ChangeStatus.choices)
    run = django_filters.UUIDFilter()

    class Meta:
        model = SyncChange
        fields = ["status", "run"]
