from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from extension_auth.authentication import WITH_EXTENSION_TOKENS
from extension_auth.permissions import ExtensionScope
from nexusone.accounts.plans import PlanFeatureMissing
from nexusone.core.api import MerchantScopedMixin, api_validation_error
from nexusone.core.exceptions import PlanRequired
from nexusone.core.pagination import CursorPagination
from nexusone.core.permissions import IsMerchantMember

from .. import actions
from ..choices import SyncTrigger
from ..filters import PRODUCT_ORDERING, ProductFilter, StockAlertFilter, SyncChangeFilter, SyncRunFilter
from ..models import Product, StockAlert, SyncChange, SyncRun
from .serializers import (
    InventorySettingsSerializer,
    PricingRuleSerializer,
    ProductSerializer,
    StockAlertSerializer,
    SyncChangeSerializer,
    SyncHealthSerializer,
    SyncRunSerializer,
    SyncStartSerializer,
)

# Extension tokens reach only the views that name an `extension_scope`.
PERMISSIONS = [IsMerchantMember, ExtensionScope]


class ProductPagination(CursorPagination):
    """Cursor pages in the order asked for (`ordering=price`, `-stock_quantity`...), newest first by default."""

    allowed = {name for name, _ in PRODUCT_ORDERING}

    def get_ordering(self, request, queryset, view) -> tuple[str, ...]:
        wanted = (request.query_params.get("ordering") or "").split(",")[0].strip()
        if wanted.lstrip("-") in self.allowed:
            return (wanted, "-id" if wanted.startswith("-") else "id")
        return self.ordering


class ProductList(MerchantScopedMixin, generics.ListAPIView):
    queryset = Product.objects.select_related("category").prefetch_related("variants", "tags")
    serializer_class = ProductSerializer
    permission_classes = PERMISSIONS
    pagination_class = ProductPagination
    filterset_class = ProductFilter
    authentication_classes = WITH_EXTENSION_TOKENS
    extension_scope = {"GET": "products:read", "HEAD": "products:read"}

    def get_serializer_context(self) -> dict:
        return {**super().get_serializer_context(), "default_threshold": self.default_threshold}

    @property
    def default_threshold(self) -> int:
        if not hasattr(self, "_threshold"):
            self._threshold = actions.get_inventory_settings(self.merchant).low_stock_threshold
        return self._threshold

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        filterset = ProductFilter(
            self.request.query_params,
            queryset=queryset,
            request=self.request,
            default_threshold=self.default_threshold,
            merchant=self.merchant,
        )
        if not filterset.is_valid():
            from rest_framework.exceptions import ValidationError

            raise ValidationError(filterset.errors)
        return filterset.qs


class ProductDetail(MerchantScopedMixin, generics.RetrieveUpdateDestroyAPIView):
    queryset = Product.objects.select_related("category", "merchant").prefetch_related("variants", "tags")
    serializer_class = ProductSerializer
    permission_classes = PERMISSIONS
    http_method_names = ["get", "patch", "delete", "head", "options"]
    authentication_classes = WITH_EXTENSION_TOKENS
    extension_scope = {"GET": "products:read", "HEAD": "products:read"}

    def get_serializer_context(self) -> dict:
        threshold = actions.get_inventory_settings(self.merchant).low_stock_threshold
        return {**super().get_serializer_context(), "default_threshold": threshold}

    def perform_update(self, serializer) -> None:
        serializer.save()
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_destroy(self, product: Product) -> None:
        actions.delete_product(product, by=self.request.user)


class SyncStart(MerchantScopedMixin, APIView):
    """POST {} (every product) or {"product_ids": [...]}: 202 with the run (or the full sync already running)."""

    permission_classes = PERMISSIONS

    @extend_schema(request=SyncStartSerializer, responses={202: SyncRunSerializer})
    def post(self, request: Request) -> Response:
        serializer = SyncStartSerializer(data=request.data or {}, context={"merchant": self.merchant})
        serializer.is_valid(raise_exception=True)
        product_ids = serializer.validated_data.get("product_ids")
        run = actions.start_sync(self.merchant, SyncTrigger.API, product_ids, by=request.user)
        return Response(SyncRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class SyncRunDetail(MerchantScopedMixin, generics.RetrieveAPIView):
    queryset = SyncRun.objects.all()
    serializer_class = SyncRunSerializer
    permission_classes = PERMISSIONS


class SyncRunList(MerchantScopedMixin, generics.ListAPIView):
    queryset = SyncRun.objects.all()
    serializer_class = SyncRunSerializer
    permission_classes = PERMISSIONS
    filterset_class = SyncRunFilter


class AlertList(MerchantScopedMixin, generics.ListAPIView):
    queryset = StockAlert.objects.select_related("product")
    serializer_class = StockAlertSerializer
    permission_classes = PERMISSIONS
    filterset_class = StockAlertFilter


class ChangeList(MerchantScopedMixin, generics.ListAPIView):
    queryset = SyncChange.objects.select_related("product")
    serializer_class = SyncChangeSerializer
    permission_classes = PERMISSIONS
    filterset_class = SyncChangeFilter


class ChangeDecision(MerchantScopedMixin, APIView):
    """POST approve or reject a held price change; 409 when it is no longer held."""

    permission_classes = PERMISSIONS
    decision = "approve"

    @extend_schema(request=None, responses=SyncChangeSerializer)
    def post(self, request: Request, pk: str) -> Response:
        change = get_object_or_404(SyncChange.objects.for_merchant(self.merchant), pk=pk)
        decide = actions.approve_change if self.decision == "approve" else actions.reject_change
        change = decide(change, by=request.user)
        change = SyncChange.objects.select_related("product").get(pk=change.pk)
        return Response(SyncChangeSerializer(change).data)


class SettingsView(MerchantScopedMixin, APIView):
    """GET the inventory settings; PUT (or PATCH) any of them. Plan limits apply to the frequency."""

    permission_classes = PERMISSIONS

    @extend_schema(responses=InventorySettingsSerializer)
    def get(self, request: Request) -> Response:
        return Response(InventorySettingsSerializer(actions.get_inventory_settings(self.merchant)).data)

    @extend_schema(request=InventorySettingsSerializer, responses=InventorySettingsSerializer)
    def put(self, request: Request) -> Response:
        serializer = InventorySettingsSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            updated = actions.update_inventory_settings(self.merchant, by=request.user, **serializer.to_action_kwargs())
        except PlanFeatureMissing as exc:
            raise PlanRequired(" ".join(exc.messages)) from exc
        except DjangoValidationError as exc:
            raise api_validation_error(exc) from exc
        updated = actions.get_inventory_settings(self.merchant)
        return Response(InventorySettingsSerializer(updated).data)

    patch = put


class SyncHealthView(MerchantScopedMixin, APIView):
    """GET the store's sync health: last sync, next cycle, freshness, CJ points, queue lag, connection, messages."""

    permission_classes = PERMISSIONS

    @extend_schema(responses=SyncHealthSerializer)
    def get(self, request: Request) -> Response:
        return Response(SyncHealthSerializer(actions.sync_health(self.merchant)).data)


PREVIEW_LIMIT = 200


class PricingPreview(MerchantScopedMixin, APIView):
    """POST a rule: the price changes it would make (unlocked products on the default rule), nothing saved."""

    permission_classes = PERMISSIONS

    @extend_schema(request=PricingRuleSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        serializer = PricingRuleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        previews = actions.preview_pricing(self.merchant, serializer.to_rule())
        return Response(
            {
                "count": len(previews),
                "results": [
                    {
                        "product_id": str(p.product.pk),
                        "name": p.product.name,
                        "cost_price": str(p.product.cost_price),
                        "old_price": str(p.old_price),
                        "new_price": str(p.new_price),
                    }
                    for p in previews[:PREVIEW_LIMIT]
                ],
            }
        )


class PricingApply(MerchantScopedMixin, APIView):
    """POST a rule: it becomes the default and the products following it are repriced."""

    permission_classes = PERMISSIONS

    @extend_schema(request=PricingRuleSerializer, responses=OpenApiTypes.OBJECT)
    def post(self, request: Request) -> Response:
        serializer = PricingRuleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        repriced = actions.apply_pricing_rule(self.merchant, serializer.to_rule(), by=request.user)
        return Response({"repriced": repriced})
