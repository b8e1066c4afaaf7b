"""OpenAPI for POST /api/order-fulfillment: the body and the answer depend on `action`."""

from __future__ import annotations

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, inline_serializer

from .serializers import (
    CreateSerializer,
    OrderActionSerializer,
    OrderSerializer,
    QuoteOptionSerializer,
    QuoteSerializer,
    RefundSerializer,
    TrackingSerializer,
)

QuoteAnswer = inline_serializer(
    "QuoteAnswer",
    {"options": QuoteOptionSerializer(many=True), "cheapest": QuoteOptionSerializer(allow_null=True)},
)

fulfillment_schema = extend_schema(
    request=PolymorphicProxySerializer(
        component_name="FulfillmentAction",
        serializers={
            "create": CreateSerializer,
            "quote": QuoteSerializer,
            "cancel": OrderActionSerializer,
            "retry": OrderActionSerializer,
            "refresh_tracking": OrderActionSerializer,
            "refund": RefundSerializer,
        },
        resource_type_field_name="action",
    ),
    responses={
        200: PolymorphicProxySerializer(
            component_name="FulfillmentAnswer",
            serializers=[OrderSerializer, QuoteAnswer, TrackingSerializer],
            resource_type_field_name=None,
        ),
        201: OrderSerializer,
    },
    description=(
        "`create` answers 201 with the new order (200 with the existing one for a repeated reference); "
        "`quote` the shipping options; `refresh_tracking` the tracking; the other actions the order."
    ),
)

__all__ = ["fulfillment_schema"]
