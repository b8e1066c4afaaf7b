from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from nexusone.core.api import MerchantScopedMixin, api_validation_error
from nexusone.core.permissions import IsMemberOfAnyRole, IsMerchantMember

from .. import webhooks
from ..actions import mark_all_read, mark_read
from ..filters import NotificationFilter
from ..models import Notification, WebhookDelivery, WebhookEndpoint
from ..preferences import get_preferences, update_preferences
from .serializers import (
    CreatedWebhookEndpointSerializer,
    MarkedReadSerializer,
    NotificationSerializer,
    PreferencesSerializer,
    WebhookDeliverySerializer,
    WebhookEndpointSerializer,
)

PERMISSIONS = [IsAuthenticated, IsMerchantMember]


class NotificationViewSet(MerchantScopedMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The merchant's in-app notification center (`unread=true` for the unread ones)."""

    queryset = Notification.objects.all()
    serializer_class = NotificationSerializer
    filterset_class = NotificationFilter
    permission_classes = PERMISSIONS

    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsMemberOfAnyRole])
    def read(self, request: Request, pk: str | None = None) -> Response:
        """Mark one notification read (viewers too: it changes no store data)."""
        notification = mark_read(self.get_object())
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses=MarkedReadSerializer)
    @action(
        detail=False, methods=["post"], url_path="read-all", permission_classes=[IsAuthenticated, IsMemberOfAnyRole]
    )
    def read_all(self, request: Request) -> Response:
        """Mark every unread notification read."""
        return Response(MarkedReadSerializer({"marked_read": mark_all_read(self.merchant)}).data)


class PreferencesView(MerchantScopedMixin, APIView):
    """GET every event's channels (defaults filled in) and the recipients; PUT any part of them."""

    permission_classes = PERMISSIONS

    @extend_schema(responses=PreferencesSerializer)
    def get(self, request: Request) -> Response:
        return Response(PreferencesSerializer(get_preferences(self.merchant)).data)

    @extend_schema(request=PreferencesSerializer, responses=PreferencesSerializer)
    def put(self, request: Request) -> Response:
        serializer = PreferencesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            preferences = update_preferences(self.merchant, **serializer.validated_data)
        except DjangoValidationError as exc:
            raise api_validation_error(exc) from exc
        return Response(PreferencesSerializer(preferences).data)


class WebhookEndpointViewSet(
    MerchantScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Outgoing webhook endpoints. The signing secret is in the answer to the POST only."""

    queryset = WebhookEndpoint.objects.all()
    serializer_class = WebhookEndpointSerializer
    permission_classes = PERMISSIONS

    @extend_schema(request=WebhookEndpointSerializer, responses={201: CreatedWebhookEndpointSerializer})
    def create(self, request: Request) -> Response:
        serializer = WebhookEndpointSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            endpoint = webhooks.create_endpoint(self.merchant, **serializer.validated_data)
        except DjangoValidationError as exc:
            raise api_validation_error(exc) from exc
        return Response(CreatedWebhookEndpointSerializer(endpoint).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=WebhookEndpointSerializer, responses=WebhookEndpointSerializer)
    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        endpoint = self.get_object()
        serializer = WebhookEndpointSerializer(endpoint, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            endpoint = webhooks.update_endpoint(endpoint, **serializer.validated_data)
        except DjangoValidationError as exc:
            raise api_validation_error(exc) from exc
        return Response(WebhookEndpointSerializer(endpoint).data)

    @extend_schema(responses=WebhookDeliverySerializer(many=True))
    @action(detail=True, methods=["get"], serializer_class=WebhookDeliverySerializer)
    def deliveries(self, request: Request, pk: str | None = None) -> Response:
        """The endpoint's delivery log, newest first."""
        endpoint = self.get_object()
        page = self.paginate_queryset(_deliveries(endpoint))
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)


def _deliveries(endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(merchant_id=endpoint.merchant_id, endpoint=endpoint).order_by("-created_at")


class RedeliverView(MerchantScopedMixin, APIView):
    """POST: send the delivery again now, with the same id and body (202 with the delivery)."""

    permission_classes = PERMISSIONS

    @extend_schema(request=None, responses={202: WebhookDeliverySerializer})
    def post(self, request: Request, pk: str) -> Response:
        delivery = get_object_or_404(
            WebhookDelivery.objects.for_merchant(self.merchant).select_related("endpoint"), pk=pk
        )
        delivery = webhooks.redeliver(delivery)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
