from django.contrib import admin

from .models import (
    CommissionEntry,
    FulfillmentLog,
    FulfillmentSettings,
    Order,
    OrderLine,
    OrderStatusEvent,
    Shipment,
    SupplierSubmission,
    TrackingEvent,
)


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    fields = ["sku", "product_name", "variant_name", "external_variant_id", "quantity", "unit_price", "unit_cost"]
    readonly_fields = fields


class StatusEventInline(admin.TabularInline):
    model = OrderStatusEvent
    extra = 0
    readonly_fields = ["from_status", "to_status", "source", "note", "actor", "created_at"]


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "merchant",
        "status",
        "external_order_id",
        "customer_email",
        "total_amount",
        "created_at",
    ]
    list_filter = ["status", "awaiting_payment", "stock_state", "source"]
    search_fields = ["reference", "external_order_id", "customer_email", "customer_name", "shipments__tracking_number"]
    readonly_fields = ["status", "stock_state", "external_order_id", "created_at", "updated_at"]
    inlines = [OrderLineInline, StatusEventInline]
    list_select_related = ["merchant"]


@admin.register(SupplierSubmission)
class SupplierSubmissionAdmin(admin.ModelAdmin):
    list_display = ["idempotency_key", "merchant", "state", "attempts", "next_attempt_at", "accepted_at"]
    list_filter = ["state"]
    search_fields = ["idempotency_key", "order__external_order_id"]
    list_select_related = ["merchant"]


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = ["tracking_number", "order", "carrier", "status", "delivered", "next_poll_at"]
    list_filter = ["delivered"]
    search_fields = ["tracking_number", "order__reference"]


@admin.register(TrackingEvent)
class TrackingEventAdmin(admin.ModelAdmin):
    list_display = ["shipment", "occurred_at", "status", "location"]
    search_fields = ["shipment__tracking_number"]


@admin.register(FulfillmentLog)
class FulfillmentLogAdmin(admin.ModelAdmin):
    list_display = ["order", "step", "outcome", "message", "created_at"]
    list_filter = ["outcome", "step"]
    search_fields = ["order__reference", "message"]


@admin.register(CommissionEntry)
class CommissionEntryAdmin(admin.ModelAdmin):
    list_display = ["order", "merchant", "kind", "amount", "client_share", "platform_share", "created_at"]
    list_filter = ["kind"]
    search_fields = ["order__reference"]


@admin.register(FulfillmentSettings)
class FulfillmentSettingsAdmin(admin.ModelAdmin):
    list_display = ["merchant", "pay_from_balance", "from_country_code", "updated_at"]
