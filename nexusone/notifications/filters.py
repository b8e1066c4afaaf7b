"""One FilterSet for the notification center: the API list and the HTML page both use it."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet

from .models import Notification


class NotificationFilter(django_filters.FilterSet):
    # A choice rather than a BooleanFilter: `unread=sometimes` is a 400 naming the field, not ignored.
    unread = django_filters.ChoiceFilter(
        choices=[("true", "true"), ("false", "false")], method="filter_unread", label="Unread only"
    )

    class Meta:
        model = Notification
        fields = ["unread"]

    def filter_unread(self, queryset: QuerySet[Notification], name: str, value: str) -> QuerySet[Notification]:
        return queryset.filter(read_at__isnull=value == "true")
