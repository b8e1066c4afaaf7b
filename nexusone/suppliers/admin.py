from django.contrib import admin

from nexusone.core.fields import mask

from .models import SupplierAccount, SupplierCallLog, WebhookMessage


@admin.register(SupplierAccount)
class SupplierAccountAdmin(admin.ModelAdmin):
    list_display = (
        "merchant",
        "supplier",
        "api_key_masked",
        "connected_at",
        "access_token_expires_at",
        "qps",
        "level",
        "sandbox_orders",
    )
    list_filter = ("supplier", "sandbox_orders", "level")
    search_fields = ("merchant__name",)
    exclude = ("api_key", "access_token", "refresh_token", "open_id")
    readonly_fields = (
        "api_key_masked",
        "access_token_masked",
        "connected_at",
        "access_token_expires_at",
        "refresh_token_expires_at",
        "last_error",
    )

    @admin.display(description="API key")
    def api_key_masked(self, account: SupplierAccount) -> str:
        """Secrets never leave the server in clear: staff see the last characters only."""
        return mask(account.api_key) or "—"

    @admin.display(description="Access token")
    def access_token_masked(self, account: SupplierAccount) -> str:
        return mask(account.access_token) or "—"


@admin.register(SupplierCallLog)
class SupplierCallLogAdmin(admin.ModelAdmin):
    list_display = ("created_at", "merchant", "method", "endpoint", "http_status", "supplier_code", "duration_ms", "ok")
    list_filter = ("ok", "supplier", "endpoint", "http_status")
    search_fields = ("endpoint", "request_id", "supplier_code")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in SupplierCallLog._meta.fields]


@admin.register(WebhookMessage)
class WebhookMessageAdmin(admin.ModelAdmin):
    list_display = ["message_id", "source", "topic", "action", "state", "merchant", "received_at", "processed_at"]
    list_filter = ["source", "topic", "state"]
    search_fields = ["message_id", "note"]
