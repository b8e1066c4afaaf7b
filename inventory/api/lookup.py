"""GET /api/dropshipping/products/lookup?external_id=PID1,PID2: which of these CJ products are imported."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from imports.parsing import BARE_PID
from nexusone.core.api import MerchantScopedMixin
from nexusone.core.serializers import StrictFieldsMixin

from ..lookup import MAX_LOOKUP_IDS, find_imported_products
from .views import PERMISSIONS

LOOKUP_HELP = f"CJ product ids (PIDs), comma-separated, at most {MAX_LOOKUP_IDS}."


class LookupQuerySerializer(StrictFieldsMixin, serializers.Serializer):
    external_id = serializers.CharField(help_text=LOOKUP_HELP, max_length=8000)

    def validate_external_id(self, value: str) -> list[str]:
        pids = list(dict.fromkeys(part.strip().upper() for part in value.split(",") if part.strip()))
        if not pids:
            raise serializers.ValidationError("Give at least one CJ product id.")
        if len(pids) > MAX_LOOKUP_IDS:
            raise serializers.ValidationError(f"Ask for at most {MAX_LOOKUP_IDS} product ids at a time.")
        wrong = [pid for pid in pids if not BARE_PID.match(pid)]
        if wrong:
            raise serializers.ValidationError(f"Not a CJ product id: {', '.join(wrong[:5])}.")
        return pids


class ImportedProductSerializer(serializers.Serializer):
    external_id = serializers.CharField()
    id = serializers.UUIDField()
    name = serializers.CharField()
    is_active = serializers.BooleanField()
    dashboard_url = serializers.SerializerMethodField()

    def get_dashboard_url(self, product) -> str:
        path = f"{reverse('inventory:index')}?{urlencode({'external_id': product.external_id})}"
        return self.context["request"].build_absolute_uri(path)


class LookupResultSerializer(serializers.Serializer):
    results = ImportedProductSerializer(many=True)


class ProductLookup(MerchantScopedMixin, APIView):
    """Which of the given CJ product ids are in this store's catalog: one request for a whole page of products.

    Products not imported are simply absent from `results`.
    """

    permission_classes = PERMISSIONS
    extension_scope = {"GET": "products:read", "HEAD": "products:read"}

    @extend_schema(
        parameters=[OpenApiParameter("external_id", str, required=True, description=LOOKUP_HELP)],
        responses={200: LookupResultSerializer},
    )
    def get(self, request: Request) -> Response:
        query = LookupQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        products = find_imported_products(self.merchant, query.validated_data["external_id"])
        results = ImportedProductSerializer(products, many=True, context={"request": request}).data
        return Response({"results": results})
