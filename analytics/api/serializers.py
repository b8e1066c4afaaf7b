"""Analytics API input: the product-list ordering and storefront event batches."""

from __future__ import annotations

from rest_framework import serializers

from nexusone.core.serializers import StrictFieldsMixin

from ..choices import EventType, ProductOrdering

MAX_EVENTS = 500
MAX_COUNT = 10_000


class EventSerializer(StrictFieldsMixin, serializers.Serializer):
    product_id = serializers.UUIDField()
    type = serializers.ChoiceField(choices=EventType.choices)
    count = serializers.IntegerField(min_value=1, max_value=MAX_COUNT, default=1)
    at = serializers.DateTimeField(required=False, help_text="When it happened (ISO 8601); default: now.")


class EventBatchSerializer(StrictFieldsMixin, serializers.Serializer):
    events = EventSerializer(many=True, allow_empty=False, max_length=MAX_EVENTS)


class EventsAcceptedSerializer(serializers.Serializer):
    accepted = serializers.IntegerField(help_text="Events counted (the sum of their counts).")


class ProductQuerySerializer(serializers.Serializer):
    ordering = serializers.ChoiceField(choices=ProductOrdering.choices, default=ProductOrdering.REVENUE)


class SeasonalQuerySerializer(serializers.Serializer):
    product_id = serializers.UUIDField(required=False)
    category = serializers.CharField(required=False, max_length=200)

    def validate(self, attrs: dict) -> dict:
        if bool(attrs.get("product_id")) == bool(attrs.get("category")):
            raise serializers.ValidationError({"product_id": "Give either product_id or category (one of them)."})
        return attrs
