"""One FilterSet for the order API list and the order center table."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from nexusone.core.filters import UtcIsoDateTimeFilter

from .choices import OrderStatus
from .models import Order, Shipment


class OrderFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=OrderStatus.choices)
    search = django_filters.CharFilter(method="filter_search", label="Search")
    created_after = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Order
        fields = ["status", "search", "created_after", "created_before"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        by_tracking = Shipment.objects.filter(
            Q(tracking_number__iexact=value) | Q(last_mile_tracking_number__iexact=value)
        ).values("order_id")
        return queryset.filter(
            Q(reference__icontains=value)
            | Q(customer_email__icontains=value)
            | Q(customer_name__icontains=value)
            | Q(external_order_id=value)
            | Q(pk__in=by_tracking)
        )
