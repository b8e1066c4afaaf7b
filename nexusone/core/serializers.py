"""Serializer helpers shared by every API."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.utils.serializer_helpers import BindingDict


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


class SharedFieldsMixin:
    """One set of bound fields per serializer class, shared by every instance of it.

    DRF deep-copies every declared field (a nested serializer's fields too) for each serializer instance, and a
    ModelSerializer works its fields out from the model each time: most of a small request's serializer cost.
    Fields keep no state of their own while they validate or render, so one bound set serves every instance and
    thread. Only for serializers whose fields and `get_*` methods read neither `context` nor `instance` (those
    see a context-free prototype of the class). A partial serializer (PATCH) builds its own, as DRF does."""

    @property
    def fields(self) -> BindingDict:
        if getattr(self, "partial", False):
            own = self.__dict__.get("_own_fields")
            if own is None:
                own = self.__dict__["_own_fields"] = _bound_fields(self)
            return own
        cls = type(self)
        shared = cls.__dict__.get("_shared_fields")
        if shared is None:
            shared = _bound_fields(cls())
            cls._shared_fields = shared
        return shared


def _bound_fields(serializer: serializers.Serializer) -> BindingDict:
    fields = BindingDict(serializer)
    for name, field in serializer.get_fields().items():
        fields[name] = field
    return fields
