from rest_framework import serializers

from nexusone.core.models import AuditEvent
from nexusone.core.serializers import StrictFieldsMixin

from ..actions import products_over_limit
from ..choices import Plan
from ..models import DataExport, Merchant


class MerchantSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    product_limit = serializers.SerializerMethodField(help_text="The plan's product limit; null: unlimited.")
    products_over_limit = serializers.SerializerMethodField(
        help_text="Products beyond the plan's limit (after a downgrade); imports are refused while above 0."
    )

    class Meta:
        model = Merchant
        fields = [
            "id",
            "name",
            "plan",
            "product_limit",
            "products_over_limit",
            "timezone",
            "currency",
            "client_commission_rate",
            "platform_commission_rate",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "plan",
            "currency",
            "client_commission_rate",
            "platform_commission_rate",
            "created_at",
        ]

    def get_product_limit(self, merchant: Merchant) -> int | None:
        return merchant.capabilities.product_limit

    def get_products_over_limit(self, merchant: Merchant) -> int:
        return products_over_limit(merchant)


class PlanChangeSerializer(StrictFieldsMixin, serializers.Serializer):
    plan = serializers.ChoiceField(choices=Plan.choices)


class PlanChangeResultSerializer(serializers.Serializer):
    """202: finish at `redirect_url` (Stripe Checkout or the Customer Portal); the plan changes once paid."""

    plan = serializers.CharField(help_text="The current plan (unchanged until payment or cancellation settles).")
    requested_plan = serializers.CharField()
    redirect_url = serializers.URLField()


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField(help_text="The person's email; null for the system (tasks, Stripe).")
    actor_id = serializers.IntegerField(read_only=True, allow_null=True)
    target = serializers.SerializerMethodField(help_text='`{"type": "accounts.Merchant", "id": "..."}` or null.')
    ip = serializers.IPAddressField(source="ip_address", read_only=True, allow_null=True)

    class Meta:
        model = AuditEvent
        fields = ["id", "action", "actor", "actor_id", "target", "ip", "created_at", "data"]

    def get_actor(self, event: AuditEvent) -> str | None:
        return event.actor.email if event.actor else None

    def get_target(self, event: AuditEvent) -> dict[str, str] | None:
        return {"type": event.target_type, "id": event.target_id} if event.target_type else None


class DataExportSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField(
        help_text="While the export is ready and not expired (24 hours): where the owner downloads the zip."
    )

    class Meta:
        model = DataExport
        fields = [
            "id",
            "status",
            "progress",
            "counts",
            "size",
            "error",
            "created_at",
            "finished_at",
            "expires_at",
            "download_url",
        ]

    def get_download_url(self, export: DataExport) -> str | None:
        from django.urls import reverse
        from django.utils import timezone

        if export.status != "succeeded" or not export.expires_at or export.expires_at <= timezone.now():
            return None
        path = reverse("merchant_export_download", args=[export.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class EmptyBodySerializer(StrictFieldsMixin, serializers.Serializer):
    """No fields: anything sent is a 400 naming it."""


class EraseCustomerSerializer(StrictFieldsMixin, serializers.Serializer):
    email = serializers.EmailField(help_text="The customer's email address as on their orders.")


class ErasureResultSerializer(serializers.Serializer):
    orders = serializers.IntegerField(help_text="Orders whose customer data was replaced with a marker.")
    rows_scrubbed = serializers.IntegerField(help_text="Rows (orders, logs, payloads, notices) that held a copy.")
    note = serializers.CharField()
