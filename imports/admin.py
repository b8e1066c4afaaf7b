from django.contrib import admin

from .models import ImportItem, ImportJob


class ImportItemInline(admin.TabularInline):
    model = ImportItem
    extra = 0
    fields = ["position", "input", "pid", "status", "product", "error"]
    readonly_fields = fields
    can_delete = False


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["id", "merchant", "source", "status", "requested", "imported", "duplicates", "failed", "created_at"]
    list_filter = ["status", "source", "created_at"]
    search_fields = ["id", "merchant__name", "items__pid"]
    # The status moves only through the import's actions (choices.JOB_TRANSITIONS).
    readonly_fields = ["status", "created_at", "updated_at", "started_at", "finished_at"]
    raw_id_fields = ["merchant", "created_by", "extension_session"]
    inlines = [ImportItemInline]


@admin.register(ImportItem)
class ImportItemAdmin(admin.ModelAdmin):
    list_display = ["input", "pid", "status", "job", "merchant", "created_at"]
    list_filter = ["status"]
    search_fields = ["pid", "input", "job__id"]
    raw_id_fields = ["merchant", "job", "product"]
