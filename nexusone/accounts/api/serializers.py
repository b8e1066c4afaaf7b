from rest_framework import serializers

from nexusone.core.serializers import StrictFieldsMixin

from ..actions import products_over_limit
from ..choices import Plan
from ..models import Merchant


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
            "client_commission_rate",
            "platform_commission_rate",
            "created_at",
        ]
        read_only_fields = ["id", "plan", "client_commission_rate", "platform_commission_rate", "created_at"]

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
