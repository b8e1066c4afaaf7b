"""Filters shared by the API and HTML lists."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import django_filters
from django.core.exceptions import ValidationError

# Real time zones run from UTC-12:00 to UTC+14:00; PostgreSQL refuses offsets of 16 hours or more.
MAX_UTC_OFFSET = timedelta(hours=14)


class UtcIsoDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 time whose offset a real time zone could have, as UTC."""

    def to_python(self, value: Any) -> datetime | None:
        parsed = super().to_python(value)
        if parsed is None:
            return None
        offset = parsed.utcoffset()
        if offset is not None and abs(offset) > MAX_UTC_OFFSET:
            raise ValidationError("The time-zone offset must be between -14:00 and +14:00.", code="invalid_offset")
        return parsed.astimezone(UTC)


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField
