from django.contrib import admin

from .models import ExtensionSession


@admin.register(ExtensionSession)
class ExtensionSessionAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "merchant", "created_at", "expires_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at", "created_at"]
    search_fields = ["name", "user__email", "merchant__name", "token_id"]
    readonly_fields = ["token_id", "created_at", "last_used_at", "last_ip", "last_user_agent"]
    raw_id_fields = ["merchant", "user", "revoked_by"]
