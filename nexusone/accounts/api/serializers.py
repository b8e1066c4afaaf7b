from rest_framework import serializers

from nexusone.core.serializers import StrictFieldsMixin

from ..models import Merchant


class MerchantSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Merchant
        fields = [
            "id",
            "name",
            "plan",
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
