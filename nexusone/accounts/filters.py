"""One FilterSet per list, serving the HTML page and the API alike."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from nexusone.core.filters import UtcIsoDateTimeFilter
from nexusone.core.models import AuditEvent

from .models import Merchant


class AuditEventFilter(django_filters.FilterSet):
    action = django_filters.CharFilter(
        method="filter_action",
        help_text="An action (`merchant.plan_changed`) or a family ending in a dot (`invitation.`).",
    )
    actor = django_filters.CharFilter(method="filter_actor", help_text="The person: their email or user id.")
    created_after = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def filter_action(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        return queryset.filter(action__startswith=value) if value.endswith(".") else queryset.filter(action=value)

    def filter_actor(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        condition = Q(actor__email__iexact=value)
        if value.isdigit():
            condition |= Q(actor_id=int(value))
        return queryset.filter(condition)


def audit_events_for(merchant: Merchant) -> QuerySet:
    """The store's audit trail, newest first."""
    return AuditEvent.objects.filter(merchant=merchant).select_related("actor")
