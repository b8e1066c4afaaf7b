from __future__ import annotations

from rest_framework import serializers

from nexusone.core.serializers import StrictFieldsMixin

from ..choices import MAX_TTL_HOURS, MIN_TTL_HOURS, ExtensionPermission
from ..models import ExtensionSession


class GenerateTokenSerializer(StrictFieldsMixin, serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    permissions = serializers.ListField(
        child=serializers.ChoiceField(choices=ExtensionPermission.choices), required=False, allow_empty=False
    )
    ttl_hours = serializers.IntegerField(required=False, min_value=MIN_TTL_HOURS, max_value=MAX_TTL_HOURS)


class ExtensionSessionSerializer(serializers.ModelSerializer):
    active = serializers.BooleanField(read_only=True)
    user = serializers.SlugRelatedField(slug_field="email", read_only=True)

    class Meta:
        model = ExtensionSession
        fields = [
            "id",
            "name",
            "permissions",
            "user",
            "created_at",
            "expires_at",
            "last_used_at",
            "last_ip",
            "last_user_agent",
            "revoked_at",
            "active",
        ]
        read_only_fields = fields
