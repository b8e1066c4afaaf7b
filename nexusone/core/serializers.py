"""Serializer helpers shared by every API."""

from __future__ import annotations

import copy
from typing import Any

from rest_framework import serializers


class StrictFieldsMixin:
    """Unknown or read-only fields in a write are a 400 naming them, not silently dropped."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            errors = {}
            for key in data:
                if key not in self.fields:
                    errors[key] = ["Unknown field."]
                elif key not in writable:
                    errors[key] = ["This field is read-only."]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class BuiltOnceFieldsMixin:
    """ModelSerializer works out its fields from the model for every serializer instance.

    The result only depends on the class, so it is built once and copied, as DRF copies declared fields."""

    def get_fields(self) -> dict[str, serializers.Field]:
        cls = type(self)
        built = cls.__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()  # type: ignore[misc]
            cls._built_fields = built
        return copy.deepcopy(built)
