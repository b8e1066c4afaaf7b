"""Analytics API: the period summary, revenue per product (list and CSV), storefront events, the seasonal view."""

from __future__ import annotations

import csv
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from nexusone.core.api import api_validation_error, get_api_merchant
from nexusone.core.pagination import CursorPagination
from nexusone.core.permissions import IsMerchantMember

from .. import actions
from ..actions.periods import Period
from .serializers import EventBatchSerializer, EventsAcceptedSerializer, ProductQuerySerializer, SeasonalQuerySerializer

# Extension tokens are refused here by their authentication: these views name no extension scope.
PERMISSIONS = [IsMerchantMember]


def _period(request: Request) -> Period:
    try:
        return actions.parse_period(
            get_api_merchant(request), request.query_params.get("from"), request.query_params.get("to")
        )
    except DjangoValidationError as exc:
        raise api_validation_error(exc) from exc


def _query(serializer_class: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class SummaryView(APIView):
    """GET ?from=YYYY-MM-DD&to=YYYY-MM-DD (store days, both included; default the last 30 days)."""

    permission_classes = PERMISSIONS

    def get(self, request: Request) -> Response:
        return Response(actions.summary(get_api_merchant(request), _period(request)))


class ProductPagination(CursorPagination):
    def get_ordering(self, request: Request, queryset: Any, view: Any) -> tuple[str, ...]:
        return (f"-sum_{view.ordering}", "product_id")


class ProductsView(APIView):
    """GET ?from=&to=&ordering=revenue|units|margin: revenue per product, cursor pages."""

    permission_classes = PERMISSIONS
    ordering = "revenue"

    def get(self, request: Request) -> Response:
        merchant, period = get_api_merchant(request), _period(request)
        self.ordering = _query(ProductQuerySerializer, request)["ordering"]
        paginator = ProductPagination()
        page = paginator.paginate_queryset(actions.product_figures(merchant, period, self.ordering), request, self)
        ids = [row["product_id"] for row in page]
        stock, names = actions.average_stock(merchant, period, ids), actions.product_names(merchant, ids)
        return paginator.get_paginated_response([actions.product_row(row, stock, names) for row in page])


CSV_COLUMNS = (
    "product_id",
    "name",
    "orders",
    "units",
    "revenue",
    "refunds",
    "cost",
    "margin",
    "commission_client",
    "commission_platform",
    "views",
    "clicks",
    "add_to_carts",
    "conversion",
    "turnover",
    "rating_average",
    "rating_count",
)


def _csv_values(row: dict[str, Any], currency: str) -> list[Any]:
    flat = {
        **row,
        "commission_client": row["commission"]["client"],
        "commission_platform": row["commission"]["platform"],
        "rating_average": row["rating"]["average"],
        "rating_count": row["rating"]["count"],
    }
    return [*("" if flat[c] is None else flat[c] for c in CSV_COLUMNS), currency]


class ExportView(APIView):
    """GET ?from=&to=&ordering=: the per-product figures as CSV (text/csv), every product of the period."""

    permission_classes = PERMISSIONS

    def get(self, request: Request) -> HttpResponse:
        merchant, period = get_api_merchant(request), _period(request)
        ordering = _query(ProductQuerySerializer, request)["ordering"]
        rows = list(actions.product_figures(merchant, period, ordering))
        ids = [row["product_id"] for row in rows]
        stock, names = actions.average_stock(merchant, period, ids), actions.product_names(merchant, ids)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="products-{period.start}-{period.end}.csv"'
        writer = csv.writer(response)
        writer.writerow([*CSV_COLUMNS, "currency"])
        for row in rows:
            writer.writerow(_csv_values(actions.product_row(row, stock, names), merchant.currency))
        return response


class EventsView(APIView):
    """POST {"events": [{"product_id", "type": view|click|add_to_cart, "count"?, "at"?}]} → 202 (rate-limited)."""

    permission_classes = PERMISSIONS
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "analytics_events"
    serializer_class = EventBatchSerializer

    def post(self, request: Request) -> Response:
        serializer = EventBatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        events = [actions.StorefrontEvent(**event) for event in serializer.validated_data["events"]]
        try:
            accepted = actions.record_storefront_events(get_api_merchant(request), events)
        except DjangoValidationError as exc:
            raise api_validation_error(exc) from exc
        return Response(EventsAcceptedSerializer({"accepted": accepted}).data, status=status.HTTP_202_ACCEPTED)


class SeasonalView(APIView):
    """GET ?product_id= or ?category=: units per week over the last year."""

    permission_classes = PERMISSIONS

    def get(self, request: Request) -> Response:
        query = _query(SeasonalQuerySerializer, request)
        merchant = get_api_merchant(request)
        weeks = actions.seasonal_units(merchant, product_id=query.get("product_id"), category=query.get("category", ""))
        return Response({"weeks": weeks, **{k: str(v) for k, v in query.items()}})


class ReorderView(APIView):
    """GET: products under 7 days of cover at the last 28 days' pace, most urgent first."""

    permission_classes = PERMISSIONS

    def get(self, request: Request) -> Response:
        return Response({"results": actions.reorder_list(get_api_merchant(request), limit=200)})
