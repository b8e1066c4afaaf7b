from django.contrib import admin

from .models import Event, Notification, NotificationPreferences, WebhookDelivery, WebhookEndpoint


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "merchant", "event", "level", "title", "read_at")
    list_filter = ("level", "event")
    search_fields = ("title", "body", "merchant__name")
    date_hierarchy = "created_at"


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "merchant", "type", "title", "dispatched_at")
    list_filter = ("type",)
    search_fields = ("title", "merchant__name")
    date_hierarchy = "created_at"
    readonly_fields = ("dispatched_at",)


@admin.register(NotificationPreferences)
class NotificationPreferencesAdmin(admin.ModelAdmin):
    list_display = ("merchant", "sms_to", "updated_at")
    search_fields = ("merchant__name",)


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ("url", "merchant", "active", "failing_since", "disabled_at")
    list_filter = ("active",)
    search_fields = ("url", "merchant__name")
    exclude = ("secret",)  # shown once to the merchant, never here


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "merchant", "event_type", "status", "attempts", "response_status", "next_attempt_at")
    list_filter = ("status", "event_type")
    readonly_fields = ("body", "status", "attempts", "response_status", "response_body", "last_error")
