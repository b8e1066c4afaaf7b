"""Order API shapes (DESIGN.md §6): request bodies per fulfillment action, the order and its tracking."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from nexusone.core.serializers import SharedFieldsMixin, StrictFieldsMixin

from .. import actions
from ..countries import is_country_code
from ..models import Order, OrderLine

ACTIONS = ("create", "quote", "cancel", "refund", "retry", "refresh_tracking")


class StrictSerializer(SharedFieldsMixin, StrictFieldsMixin, serializers.Serializer):
    """A request body: unknown fields refused; one set of fields per class (none reads the context)."""


class CountryCodeField(serializers.CharField):
    """A two-letter ISO 3166 country code, upper-cased."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=2, min_length=2, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if not is_country_code(value):
            raise serializers.ValidationError(f"{value!r} is not an ISO 3166 country code (e.g. US, DE, FR).")
        return value.upper()


class CustomerSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(max_length=254)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class AddressSerializer(StrictSerializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    line1 = serializers.CharField(max_length=200)
    line2 = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=100)
    province = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    postal_code = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    country_code = CountryCodeField()
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class ItemSerializer(StrictSerializer):
    product_id = serializers.UUIDField()
    variant_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    quantity = serializers.IntegerField(min_value=1, max_value=10_000)


class ActionSerializer(StrictSerializer):
    action = serializers.ChoiceField(choices=ACTIONS)


class WithItemsSerializer(StrictSerializer):
    """A body naming catalog items: at least one, each resolved by the order actions."""

    items = ItemSerializer(many=True)

    def validate_items(self, items: list) -> list:
        if not items:
            raise serializers.ValidationError("An order needs at least one item.")
        return items

    def line_inputs(self) -> list[actions.LineInput]:
        return [
            actions.LineInput(i["product_id"], i["quantity"], i.get("variant_id")) for i in self.validated_data["items"]
        ]


class CreateSerializer(WithItemsSerializer):
    action = serializers.ChoiceField(choices=["create"])
    reference = serializers.CharField(max_length=50)
    customer = CustomerSerializer()
    shipping_address = AddressSerializer()
    shipping_method = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def to_input(self) -> actions.OrderInput:
        data = self.validated_data
        return actions.OrderInput(
            reference=data["reference"],
            customer_name=data["customer"]["name"],
            customer_email=data["customer"]["email"],
            customer_phone=data["customer"].get("phone", ""),
            shipping_address=dict(data["shipping_address"]),
            items=self.line_inputs(),
            shipping_method=data.get("shipping_method", ""),
        )


class QuoteSerializer(WithItemsSerializer):
    action = serializers.ChoiceField(choices=["quote"])
    country_code = CountryCodeField(required=False)
    shipping_address = AddressSerializer(required=False, partial=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        country = attrs.get("country_code") or (attrs.get("shipping_address") or {}).get("country_code")
        if not country:
            raise serializers.ValidationError({"country_code": "Say where the order ships to."})
        attrs["country_code"] = country
        return attrs


class OrderActionSerializer(StrictSerializer):
    action = serializers.ChoiceField(choices=["cancel", "retry", "refresh_tracking"])
    order_id = serializers.UUIDField()
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class RefundSerializer(StrictSerializer):
    action = serializers.ChoiceField(choices=["refund"])
    order_id = serializers.UUIDField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"), required=False)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class OrderItemSerializer(SharedFieldsMixin, serializers.ModelSerializer):
    product_id = serializers.UUIDField(read_only=True)
    variant_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = OrderLine
        fields = [
            "product_id",
            "variant_id",
            "quantity",
            "unit_price",
            "unit_cost",
            "sku",
            "product_name",
            "variant_name",
            "external_variant_id",
        ]


class OrderSerializer(SharedFieldsMixin, serializers.ModelSerializer):
    customer = serializers.SerializerMethodField()
    items = OrderItemSerializer(source="lines", many=True, read_only=True)
    tracking_number = serializers.SerializerMethodField()
    tracking_numbers = serializers.SerializerMethodField()
    submission_state = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = [
            "id",
            "reference",
            "status",
            "external_order_id",
            "supplier_status",
            "awaiting_payment",
            "customer",
            "shipping_address",
            "items",
            "shipping_method",
            "shipping_days",
            "shipping_cost",
            "subtotal",
            "total_amount",
            "refunded_amount",
            "currency",
            "tracking_number",
            "tracking_numbers",
            "submission_state",
            "cancellation_note",
            "last_error",
            "source",
            "created_at",
            "updated_at",
            "confirmed_at",
            "processing_at",
            "shipped_at",
            "delivered_at",
            "cancelled_at",
            "refunded_at",
            "failed_at",
        ]

    def get_customer(self, order: Order) -> dict[str, str]:
        return {"name": order.customer_name, "email": order.customer_email, "phone": order.customer_phone}

    def get_tracking_number(self, order: Order) -> str:
        return order.tracking_number

    def get_tracking_numbers(self, order: Order) -> list[str]:
        return [s.tracking_number for s in order.shipments.all()]

    def get_submission_state(self, order: Order) -> str:
        submission = getattr(order, "submission", None)
        return submission.state if submission else ""


class QuoteOptionSerializer(serializers.Serializer):
    method = serializers.CharField()
    cost = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    days = serializers.CharField()


class TrackingEventSerializer(serializers.Serializer):
    occurred_at = serializers.DateTimeField()
    status = serializers.CharField()
    description = serializers.CharField()
    location = serializers.CharField()
    tracking_number = serializers.CharField()


class PackageSerializer(serializers.Serializer):
    tracking_number = serializers.CharField()
    carrier = serializers.CharField()
    status = serializers.CharField()
    delivered = serializers.BooleanField()
    tracking_url = serializers.CharField()


class TrackingSerializer(serializers.Serializer):
    """GET /api/order-tracking/{id} (documents actions.tracking_payload)."""

    order_id = serializers.UUIDField()
    status = serializers.CharField()
    tracking_number = serializers.CharField()
    carrier = serializers.CharField()
    tracking_url = serializers.CharField()
    packages = PackageSerializer(many=True)
    events = TrackingEventSerializer(many=True)
