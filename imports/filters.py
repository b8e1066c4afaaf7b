import django_filters

from .choices import ImportSource, JobStatus
from .models import ImportJob


class ImportJobFilter(django_filters.FilterSet):
    """One filter for the import history page and GET /api/products/imports."""

    status = django_filters.ChoiceFilter(choices=JobStatus.choices)
    source = django_filters.ChoiceFilter(choices=ImportSource.choices)
    created_after = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = ImportJob
        fields = ["status", "source", "created_after", "created_before"]
