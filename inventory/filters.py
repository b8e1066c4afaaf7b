"""One FilterSet for the product list: the API and the dashboard both use it."""

from __future__ import annotations

import uuid

import django_filters
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from .choices import AlertKind, AlertState, ChangeStatus, StockStatus, SyncStatus, SyncTrigger
from .models import Product, StockAlert, SyncChange, SyncRun

PRODUCT_ORDERING = (
    ("name", "name"),
    ("price", "price"),
    ("cost_price", "cost_price"),
    ("stock_quantity", "stock_quantity"),
    ("created_at", "created_at"),
    ("updated_at", "updated_at"),
    ("last_sync_at", "last_sync_at"),
)


def product_search(value: str) -> Q:
    """Products whose name or SKU (or a variant's SKU) holds `value`, or whose CJ ID is `value`."""
    return (
        Q(name__icontains=value)
        | Q(sku__icontains=value)
        | Q(external_id__iexact=value)
        | Q(variants__sku__icontains=value)
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

    def __init__(self, *args, default_threshold: int = 5, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.default_threshold = default_threshold

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(product_search(value)).distinct()

    def filter_stock(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        threshold = Coalesce(F("low_stock_threshold"), self.default_threshold)
        queryset = queryset.alias(effective_threshold=threshold)
        if value == StockStatus.OUT:
            return queryset.filter(stock_quantity__lte=0)
        if value == StockStatus.LOW:
            return queryset.filter(stock_quantity__gt=0, stock_quantity__lte=F("effective_threshold"))
        return queryset.filter(stock_quantity__gt=F("effective_threshold"))

    def filter_category(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        by_name = Q(category__name__iexact=value)
        try:
            return queryset.filter(by_name | Q(category_id=uuid.UUID(value)))
        except ValueError:
            return queryset.filter(by_name)

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
        products = Product.objects.filter(product_search(value)).values("pk")
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
