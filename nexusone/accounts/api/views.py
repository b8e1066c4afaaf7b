from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.generics import RetrieveUpdateAPIView
from rest_framework.permissions import AllowAny
from rest_framework.throttling import ScopedRateThrottle
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from nexusone.core.api import api_validation_error, get_api_merchant

from .. import actions
from ..models import Merchant
from .serializers import MerchantSerializer


class EmailTokenObtainPairSerializer(TokenObtainPairSerializer):
    username_field = "email"


class TokenView(TokenObtainPairView):
    """POST email + password → access (15 min) and refresh (7 days, rotating) tokens."""

    serializer_class = EmailTokenObtainPairSerializer
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"


class TokenRefresh(TokenRefreshView):
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"


class MerchantView(RetrieveUpdateAPIView):
    """The current merchant: everyone reads, owners and managers rename."""

    serializer_class = MerchantSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self) -> Merchant:
        merchant = get_api_merchant(self.request)
        self.check_object_permissions(self.request, merchant)
        return merchant

    def perform_update(self, serializer: MerchantSerializer) -> None:
        data, merchant, user = serializer.validated_data, serializer.instance, self.request.user
        try:
            if "name" in data:
                actions.rename_merchant(merchant, data["name"], by=user, request=self.request)
            if "timezone" in data:
                actions.set_store_timezone(merchant, data["timezone"], by=user, request=self.request)
        except DjangoValidationError as exc:
            raise api_validation_error(exc) from exc
