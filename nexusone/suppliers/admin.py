from django.contrib import admin

from .models import SupplierAccount, SupplierCallLog


@admin.register(SupplierAccount)
class SupplierAccountAdmin(admin.ModelAdmin):
    list_display = ("merchant", "supplier", "connected_at", "access_token_expires_at", "qps", "level", "sandbox_orders")
    list_filter = ("supplier", "sandbox_orders", "level")
    search_fields = ("merchant__name",)
    exclude = ("api_key", "access_token", "refresh_token", "open_id")
    readonly_fields = ("connected_at", "access_token_expires_at", "refresh_token_expires_at", "last_error")


@admin.register(SupplierCallLog)
class SupplierCallLogAdmin(admin.ModelAdmin):
    list_display = ("created_at", "merchant", "method", "endpoint", "http_status", "supplier_code", "duration_ms", "ok")
    list_filter = ("ok", "supplier", "endpoint", "http_status")
    search_fields = ("endpoint", "request_id", "supplier_code")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in SupplierCallLog._meta.fields]
