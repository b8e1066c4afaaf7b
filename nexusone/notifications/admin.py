from django.contrib import admin

from .models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "merchant", "event", "level", "title", "read_at")
    list_filter = ("level", "event")
    search_fields = ("title", "body", "merchant__name")
    date_hierarchy = "created_at"
