import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet

from nexusone.core.filters import UtcIsoDateTimeFilter

from .choices import ImportSource, JobStatus
from .models import ImportJob


class ImportJobFilter(django_filters.FilterSet):
    """One filter for the import history page and GET /api/products/imports."""

    search = django_filters.CharFilter(method="filter_search", label="Product ID or link")
    status = django_filters.ChoiceFilter(choices=JobStatus.choices)
    source = django_filters.ChoiceFilter(choices=ImportSource.choices)
    created_after = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcIsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = ImportJob
        fields = ["search", "status", "source", "created_after", "created_before"]

    def filter_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Jobs with an item whose PID or input contains `value`."""
        from .models import ImportItem

        value = value.strip()
        if not value:
            return queryset
        items = ImportItem.objects.filter(job=OuterRef("pk")).filter(
            Q(pid__icontains=value) | Q(input__icontains=value)
        )
        return queryset.filter(Exists(items))
