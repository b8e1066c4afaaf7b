"""Order API: one POST endpoint for fulfillment actions, order list/detail, tracking."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from rest_framework import generics, serializers, status
from rest_framework.fields import empty
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nexusone.core.api import MerchantScopedMixin, api_validation_error, get_api_merchant
from nexusone.core.permissions import IsMerchantMember

from .. import actions
from ..choices import EventSource, OrderSource
from ..filters import OrderFilter
from ..models import Order, Shipment
from .schema import fulfillment_schema
from .serializers import (
    ACTIONS,
    ActionSerializer,
    CreateSerializer,
    OrderActionSerializer,
    OrderSerializer,
    QuoteOptionSerializer,
    QuoteSerializer,
    RefundSerializer,
    TrackingSerializer,
)

# Extension tokens are refused here by their authentication: these views name no extension scope.
ORDER_PERMISSIONS = [IsMerchantMember]
# Checks the body's `action` before its serializer is chosen (a field keeps no state between validations).
ACTION_FIELD = serializers.ChoiceField(choices=ACTIONS)


def order_queryset() -> QuerySet:
    return Order.objects.select_related("submission").prefetch_related(
        "lines", Prefetch("shipments", queryset=Shipment.objects.order_by("created_at"))
    )


class OrderFulfillmentView(APIView):
    """POST {"action": create|quote|cancel|refund|retry|refresh_tracking, ...}."""

    permission_classes = ORDER_PERMISSIONS
    serializer_class = ActionSerializer

    @fulfillment_schema
    def post(self, request: Request) -> Response:
        # The action picks the body's serializer; a lone field checks it (ActionSerializer documents it).
        raw = request.data.get("action", empty) if isinstance(request.data, dict) else empty
        try:
            action = ACTION_FIELD.run_validation(raw)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({"action": exc.detail}) from exc
        merchant = get_api_merchant(request)
        handler = getattr(self, f"do_{action}")
        try:
            return handler(request, merchant)
        except DjangoValidationError as exc:
            raise api_validation_error(exc) from exc

    def _order(self, merchant, order_id) -> Order:
        return get_object_or_404(Order.objects.for_merchant(merchant), pk=order_id)

    def _render(self, order: Order, code: int = status.HTTP_200_OK) -> Response:
        return Response(OrderSerializer(order_queryset().get(pk=order.pk)).data, status=code)

    def do_create(self, request: Request, merchant) -> Response:
        body = CreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        order, created = actions.create_order(merchant, body.to_input(), by=request.user, source=OrderSource.API)
        if created:  # the new order carries its lines already
            return Response(OrderSerializer(order).data, status=status.HTTP_201_CREATED)
        return self._render(order)

    def do_quote(self, request: Request, merchant) -> Response:
        body = QuoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        quotes = actions.quote_items(merchant, body.line_inputs(), country_code=body.validated_data["country_code"])
        options = QuoteOptionSerializer(quotes, many=True).data
        return Response({"options": options, "cheapest": options[0] if options else None})

    def do_cancel(self, request: Request, merchant) -> Response:
        body = OrderActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        order = self._order(merchant, body.validated_data["order_id"])
        order = actions.cancel_order(
            order, by=request.user, reason=body.validated_data.get("reason", ""), source=EventSource.API
        )
        return self._render(order)

    def do_refund(self, request: Request, merchant) -> Response:
        body = RefundSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        order = self._order(merchant, body.validated_data["order_id"])
        order = actions.refund_order(
            order, body.validated_data.get("amount"), by=request.user, reason=body.validated_data.get("reason", "")
        )
        return self._render(order)

    def do_retry(self, request: Request, merchant) -> Response:
        body = OrderActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        order = actions.retry_order(self._order(merchant, body.validated_data["order_id"]), by=request.user)
        return self._render(order)

    def do_refresh_tracking(self, request: Request, merchant) -> Response:
        body = OrderActionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        order = actions.refresh_tracking(self._order(merchant, body.validated_data["order_id"]))
        order = order_queryset().prefetch_related("shipments__events").get(pk=order.pk)
        return Response(actions.tracking_payload(order))


class OrderList(MerchantScopedMixin, generics.ListAPIView):
    """GET /api/dropshipping/orders: filters status, search, created_after, created_before."""

    permission_classes = ORDER_PERMISSIONS
    serializer_class = OrderSerializer
    filterset_class = OrderFilter
    queryset = Order.objects.none()  # for the schema; get_queryset scopes to the merchant

    def get_queryset(self) -> QuerySet:
        return order_queryset().filter(merchant=self.merchant)


class OrderDetail(MerchantScopedMixin, generics.RetrieveAPIView):
    permission_classes = ORDER_PERMISSIONS
    serializer_class = OrderSerializer
    queryset = Order.objects.none()

    def get_queryset(self) -> QuerySet:
        return order_queryset().filter(merchant=self.merchant)


class OrderTracking(MerchantScopedMixin, generics.RetrieveAPIView):
    """GET /api/order-tracking/{id}: numbers, carrier, status, packages and events."""

    permission_classes = ORDER_PERMISSIONS
    serializer_class = TrackingSerializer
    queryset = Order.objects.none()

    def get_queryset(self) -> QuerySet:
        return Order.objects.filter(merchant=self.merchant).prefetch_related(
            Prefetch("shipments", queryset=Shipment.objects.order_by("created_at").prefetch_related("events"))
        )

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        return Response(actions.tracking_payload(self.get_object()))
