from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from inventory.choices import MarkupType
from inventory.pricing import clean_markup
from nexusone.core.serializers import StrictFieldsMixin

from ..actions import MAX_ITEMS_PER_IMPORT
from ..choices import ImportSource
from ..models import ImportItem, ImportJob


class MarkupSerializer(StrictFieldsMixin, serializers.Serializer):
    type = serializers.ChoiceField(choices=MarkupType.choices)
    value = serializers.CharField(max_length=30, help_text='A decimal string, e.g. "40".')

    def validate(self, attrs: dict) -> dict:
        try:
            return clean_markup(attrs, field="value")
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from None


class ImportRequestSerializer(StrictFieldsMixin, serializers.Serializer):
    source = serializers.ChoiceField(choices=ImportSource.choices)
    urls = serializers.ListField(
        child=serializers.CharField(max_length=2000), required=False, max_length=MAX_ITEMS_PER_IMPORT
    )
    product_ids = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, max_length=MAX_ITEMS_PER_IMPORT
    )
    markup = MarkupSerializer(required=False, allow_null=True)
    category = serializers.CharField(required=False, allow_blank=True, max_length=200)
    tags = serializers.ListField(child=serializers.CharField(max_length=100), required=False, max_length=20)

    def validate(self, attrs: dict) -> dict:
        urls, ids = attrs.get("urls") or [], attrs.get("product_ids") or []
        if attrs["source"] == ImportSource.URL and not urls:
            raise serializers.ValidationError({"urls": "Give at least one CJ product URL."})
        if attrs["source"] == ImportSource.IDS and not ids:
            raise serializers.ValidationError({"product_ids": "Give at least one CJ product ID."})
        if not urls and not ids:
            raise serializers.ValidationError({"urls": "Give product URLs or product_ids."})
        return attrs


class ImportItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportItem
        fields = ["input", "pid", "status", "product_id", "error"]
        read_only_fields = fields


class ImportJobSerializer(serializers.ModelSerializer):
    progress = serializers.IntegerField(source="progress_percent", read_only=True)
    processed = serializers.IntegerField(read_only=True)
    category = serializers.CharField(source="category_name", read_only=True)
    tags = serializers.ListField(source="tag_names", read_only=True)
    created_by = serializers.SlugRelatedField(slug_field="email", read_only=True)

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "source",
            "status",
            "requested",
            "processed",
            "progress",
            "imported",
            "duplicates",
            "invalid",
            "not_found",
            "plan_limit",
            "failed",
            "markup",
            "category",
            "tags",
            "error",
            "created_by",
            "extension_session",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields


class ImportJobDetailSerializer(ImportJobSerializer):
    items = ImportItemSerializer(many=True, read_only=True)

    class Meta(ImportJobSerializer.Meta):
        fields = [*ImportJobSerializer.Meta.fields, "items"]
        read_only_fields = fields
