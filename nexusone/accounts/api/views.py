from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.generics import RetrieveUpdateAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from nexusone.core.api import api_validation_error, get_api_merchant
from nexusone.core.audit import client_ip
from nexusone.core.throttling import RefreshThrottle

from .. import actions, login_limits
from ..models import Merchant
from .serializers import MerchantSerializer


class EmailTokenObtainPairSerializer(TokenObtainPairSerializer):
    username_field = "email"


class TokenView(TokenObtainPairView):
    """POST email + password → access (15 min) and refresh (7 days, rotating) tokens."""

    serializer_class = EmailTokenObtainPairSerializer
    permission_classes = [AllowAny]
    throttle_classes: list = []  # per IP (RateLimitMiddleware) and failed sign-ins (login_limits)
    documented_error_codes = {"401", "429"}  # a wrong email or password; too many tries

    def post(self, request: Request, *args, **kwargs) -> Response:
        email = str(request.data.get("email", "")) if isinstance(request.data, Mapping) else ""
        ip = client_ip(request)
        wait = login_limits.login_wait(email, ip)
        if wait is not None:
            raise Throttled(wait, detail=login_limits.too_many_attempts_message(wait))
        try:
            response = super().post(request, *args, **kwargs)
        except AuthenticationFailed:
            login_limits.record_failed_login(email, ip)
            raise
        login_limits.record_successful_login(email)
        return response


class TokenRefresh(TokenRefreshView):
    permission_classes = [AllowAny]
    throttle_classes = [RefreshThrottle]
    documented_error_codes = {"401"}  # an expired, revoked or malformed refresh token


class MerchantView(RetrieveUpdateAPIView):
    """The current merchant: everyone reads, owners and managers rename."""

    serializer_class = MerchantSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self) -> Merchant:
        merchant = get_api_merchant(self.request)
        self.check_object_permissions(self.request, merchant)
        return merchant

    def perform_update(self, serializer: MerchantSerializer) -> None:
        if "name" not in serializer.validated_data:
            return
        try:
            actions.rename_merchant(
                serializer.instance, serializer.validated_data["name"], by=self.request.user, request=self.request
            )
        except DjangoValidationError as exc:
            raise api_validation_error(exc) from exc
