"""API routes; each pattern accepts the path with or without a trailing slash."""

from django.urls import re_path

from nexusone.core.routers import UUID_PK

from . import lookup, views

urlpatterns = [
    re_path(r"^dropshipping/products/?$", views.ProductList.as_view(), name="inventory_products"),
    re_path(r"^dropshipping/products/lookup/?$", lookup.ProductLookup.as_view(), name="inventory_product_lookup"),
    re_path(rf"^dropshipping/products/{UUID_PK}/?$", views.ProductDetail.as_view(), name="inventory_product"),
    re_path(r"^inventory/sync/?$", views.SyncStart.as_view(), name="inventory_sync"),
    re_path(rf"^inventory/sync/{UUID_PK}/?$", views.SyncRunDetail.as_view(), name="inventory_sync_run"),
    re_path(r"^inventory/sync-logs/?$", views.SyncRunList.as_view(), name="inventory_sync_logs"),
    re_path(r"^inventory/alerts/?$", views.AlertList.as_view(), name="inventory_alerts"),
    re_path(r"^inventory/settings/?$", views.SettingsView.as_view(), name="inventory_settings"),
    re_path(r"^inventory/sync-health/?$", views.SyncHealthView.as_view(), name="inventory_sync_health"),
    re_path(r"^inventory/pricing/preview/?$", views.PricingPreview.as_view(), name="inventory_pricing_preview"),
    re_path(r"^inventory/pricing/apply/?$", views.PricingApply.as_view(), name="inventory_pricing_apply"),
    re_path(r"^inventory/changes/?$", views.ChangeList.as_view(), name="inventory_changes"),
    re_path(
        rf"^inventory/changes/{UUID_PK}/approve/?$",
        views.ChangeDecision.as_view(decision="approve"),
        name="inventory_change_approve",
    ),
    re_path(
        rf"^inventory/changes/{UUID_PK}/reject/?$",
        views.ChangeDecision.as_view(decision="reject"),
        name="inventory_change_reject",
    ),
]
