from django.contrib import admin

from .models import Category, Product, Tag, Variant


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0
    fields = ("external_id", "sku", "name", "cost_price", "price", "stock_quantity", "reserved_quantity")


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "merchant",
        "external_id",
        "price",
        "cost_price",
        "stock_quantity",
        "is_active",
        "last_sync_at",
    )
    list_filter = ("is_active", "is_available", "supplier", "price_locked")
    search_fields = ("name", "sku", "external_id", "merchant__name")
    raw_id_fields = ("merchant", "category")
    inlines = [VariantInline]


@admin.register(Variant)
class VariantAdmin(admin.ModelAdmin):
    list_display = ("__str__", "merchant", "external_id", "sku", "price", "stock_quantity", "reserved_quantity")
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
