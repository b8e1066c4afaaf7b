from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.response import TemplateResponse

from nexusone.accounts.models import Merchant

from .actions import sync_health_for
from .actions.health import SyncHealth
from .models import (
    Category,
    InventorySettings,
    PricingRule,
    Product,
    StockAlert,
    StoreSyncHealth,
    SyncChange,
    SyncRun,
    Tag,
    Variant,
)

# Stock moves only through inventory.stock (syncs and orders), which keeps the three figures and the alerts in step.
STOCK_FIELDS = ("stock_quantity", "supplier_stock", "reserved_quantity")


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0
    fields = ("external_id", "sku", "name", "cost_price", "price", *STOCK_FIELDS)
    readonly_fields = STOCK_FIELDS


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "merchant",
        "external_id",
        "price",
        "cost_price",
        *STOCK_FIELDS,
        "is_active",
        "last_sync_at",
    )
    readonly_fields = STOCK_FIELDS
    list_filter = ("is_active", "is_available", "supplier", "price_locked", "auto_deactivated")
    search_fields = ("name", "sku", "external_id", "merchant__name")
    raw_id_fields = ("merchant", "category")
    inlines = [VariantInline]


@admin.register(Variant)
class VariantAdmin(admin.ModelAdmin):
    list_display = ("__str__", "merchant", "external_id", "sku", "price", *STOCK_FIELDS)
    readonly_fields = STOCK_FIELDS
    search_fields = ("sku", "external_id", "product__name")
    raw_id_fields = ("merchant", "product")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "merchant", "created_at")
    search_fields = ("name",)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "merchant", "created_at")
    search_fields = ("name",)


@admin.register(PricingRule)
class PricingRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "merchant", "markup_type", "markup_value", "round_to_99", "minimum_profit", "updated_at")
    list_filter = ("markup_type", "round_to_99")
    search_fields = ("name", "merchant__name")
    raw_id_fields = ("merchant",)


@admin.register(InventorySettings)
class InventorySettingsAdmin(admin.ModelAdmin):
    list_display = (
        "merchant",
        "low_stock_threshold",
        "sync_frequency",
        "out_of_stock_action",
        "price_guardrail_percent",
        "updated_at",
    )
    list_filter = ("sync_frequency", "out_of_stock_action")
    search_fields = ("merchant__name",)
    raw_id_fields = ("merchant", "default_pricing_rule")


@admin.register(SyncRun)
class SyncRunAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "merchant",
        "trigger",
        "status",
        "total",
        "processed",
        "changed",
        "failed",
        "api_calls",
        "finished_at",
    )
    list_filter = ("status", "trigger", "is_full", "dry_run")
    search_fields = ("merchant__name", "id")
    raw_id_fields = ("merchant", "started_by")
    readonly_fields = ("status",)  # moves only through the sync's actions (choices.SYNC_TRANSITIONS)
    date_hierarchy = "created_at"


@admin.register(SyncChange)
class SyncChangeAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "merchant",
        "product",
        "kind",
        "status",
        "old_stock",
        "new_stock",
        "old_cost",
        "new_cost",
    )
    list_filter = ("status", "kind")
    search_fields = ("product__name", "product__external_id", "merchant__name")
    raw_id_fields = ("merchant", "run", "product", "variant", "decided_by")
    readonly_fields = ("status",)  # approve or reject on the review page (choices.CHANGE_TRANSITIONS)


@admin.register(StockAlert)
class StockAlertAdmin(admin.ModelAdmin):
    list_display = ("opened_at", "merchant", "product", "kind", "state", "stock_quantity", "resolved_at")
    list_filter = ("state", "kind")
    search_fields = ("product__name", "product__external_id", "merchant__name")
    raw_id_fields = ("merchant", "product", "variant")


# The staff view's orders: trouble first by default; ties by store name.
HEALTH_SORTS: dict[str, tuple[str, Callable[[SyncHealth], Any]]] = {
    "trouble": ("most trouble", lambda h: (-h.trouble, h.merchant_name.lower())),
    "name": ("store name", lambda h: h.merchant_name.lower()),
    "points": ("points used", lambda h: (-(h.points.percent_used if h.points else -1), h.merchant_name.lower())),
    "stale": ("not read in a day", lambda h: (-h.freshness.stale, h.merchant_name.lower())),
    "lag": ("longest wait", lambda h: (-(h.queue.seconds or 0), h.merchant_name.lower())),
}


@admin.register(StoreSyncHealth)
class StoreSyncHealthAdmin(admin.ModelAdmin):
    """Every store's sync health in one table (staff only), read in a bounded number of queries."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        if not self.has_view_permission(request):
            raise PermissionDenied
        sort = request.GET.get("sort", "trouble")
        if sort not in HEALTH_SORTS:
            return HttpResponseBadRequest(f"sort: choose one of {', '.join(HEALTH_SORTS)}.")
        panels = sorted(sync_health_for(list(Merchant.objects.order_by("name"))), key=HEALTH_SORTS[sort][1])
        context = {
            **self.admin_site.each_context(request),
            "title": "Sync health of stores",
            "opts": self.model._meta,
            "panels": panels,
            "sort": sort,
            "sorts": [(key, label) for key, (label, _) in HEALTH_SORTS.items()],
            "troubled": sum(1 for panel in panels if panel.problems),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/inventory/sync_health.html", context)
