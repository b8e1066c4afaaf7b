from __future__ import annotations

from rest_framework import serializers

from nexusone.core.serializers import StrictFieldsMixin

from ..models import Notification, NotificationPreferences, WebhookDelivery, WebhookEndpoint
from ..preferences import channel_matrix


class NotificationSerializer(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "event", "level", "title", "body", "link", "data", "read", "read_at", "created_at"]
        read_only_fields = fields

    def get_read(self, obj: Notification) -> bool:
        return obj.read_at is not None


class MarkedReadSerializer(serializers.Serializer):
    marked_read = serializers.IntegerField(help_text="How many notifications this call marked read.")


class PreferencesSerializer(StrictFieldsMixin, serializers.Serializer):
    events = serializers.DictField(
        child=serializers.DictField(child=serializers.BooleanField()),
        required=False,
        help_text='Per event, per channel: {"inventory.out_of_stock": {"email": true, "sms": false}}.',
    )
    email_to = serializers.ListField(child=serializers.EmailField(), required=False, max_length=20)
    sms_to = serializers.CharField(required=False, allow_blank=True, max_length=20)
    # Event and channel names are checked by the action (one copy of the rule); here only shapes and types.

    def to_representation(self, preferences: NotificationPreferences) -> dict:
        return {
            "events": channel_matrix(preferences),
            "email_to": preferences.email_to,
            "sms_to": preferences.sms_to,
        }


class WebhookEndpointSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.CharField(max_length=100), min_length=1, max_length=50)

    class Meta:
        model = WebhookEndpoint
        fields = ["id", "url", "events", "active", "description", "created_at", "disabled_at", "disabled_reason"]
        read_only_fields = ["id", "created_at", "disabled_at", "disabled_reason"]
        extra_kwargs = {"url": {"validators": []}}


class CreatedWebhookEndpointSerializer(WebhookEndpointSerializer):
    secret = serializers.CharField(read_only=True, help_text="Shown once: store it to verify signatures.")

    class Meta(WebhookEndpointSerializer.Meta):
        fields = [*WebhookEndpointSerializer.Meta.fields, "secret"]


class WebhookDeliverySerializer(serializers.ModelSerializer):
    event = serializers.CharField(source="event_type")
    event_id = serializers.UUIDField()

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "endpoint",
            "event",
            "event_id",
            "status",
            "attempts",
            "response_status",
            "next_attempt_at",
            "last_attempt_at",
            "last_error",
            "created_at",
        ]
        read_only_fields = fields
