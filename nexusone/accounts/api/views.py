from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, AuthenticationFailed, Throttled
from rest_framework.generics import ListAPIView, RetrieveAPIView, RetrieveUpdateAPIView
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.serializers import TokenObtainPairSerializer
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView

from nexusone.core.api import api_validation_error, get_api_membership, get_api_merchant
from nexusone.core.audit import client_ip
from nexusone.core.models import AuditEvent
from nexusone.core.permissions import IsOwner
from nexusone.core.throttling import RefreshThrottle

from .. import actions, erasure, exports, login_limits
from ..billing import get_billing_provider
from ..billing.stripe_events import InvalidStripeSignature, apply_stripe_webhook
from ..filters import AuditEventFilter, audit_events_for
from ..models import DataExport, Merchant
from .serializers import (
    AuditEventSerializer,
    DataExportSerializer,
    EmptyBodySerializer,
    EraseCustomerSerializer,
    ErasureResultSerializer,
    MerchantSerializer,
    PlanChangeResultSerializer,
    PlanChangeSerializer,
)


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
        data, merchant, user = serializer.validated_data, serializer.instance, self.request.user
        try:
            if "name" in data:
                actions.rename_merchant(merchant, data["name"], by=user, request=self.request)
            if "timezone" in data:
                actions.set_store_timezone(merchant, data["timezone"], by=user, request=self.request)
        except DjangoValidationError as exc:
            raise api_validation_error(exc) from exc


class PlanChangeView(APIView):
    """Change the plan (owner only). Manual billing: 200 with the store, changed at once. Stripe: 202 with
    the Checkout or Customer Portal URL to finish at; the plan changes when Stripe confirms."""

    permission_classes = [IsOwner]
    serializer_class = PlanChangeSerializer

    @extend_schema(
        request=PlanChangeSerializer,
        responses={
            200: MerchantSerializer,
            202: PlanChangeResultSerializer,
            503: OpenApiResponse(description="billing_unavailable"),
        },
    )
    def post(self, request: Request) -> Response:
        serializer = PlanChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        merchant = get_api_merchant(request)
        plan = serializer.validated_data["plan"]
        try:
            result = get_billing_provider().request_plan_change(
                merchant,
                plan,
                by=request.user,
                request=request._request,
                return_url=request.build_absolute_uri(reverse("accounts:plan")),
            )
        except DjangoValidationError as exc:
            raise api_validation_error(exc) from None
        if result.applied:
            return Response(MerchantSerializer(merchant).data)
        body = {"plan": result.plan, "requested_plan": plan, "redirect_url": result.redirect_url}
        return Response(PlanChangeResultSerializer(body).data, status=status.HTTP_202_ACCEPTED)


class StripeWebhookView(APIView):
    """Stripe's subscription events: the Stripe-Signature header is verified; each event applies once."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes: list = []

    @extend_schema(request=None, responses={200: None, 400: OpenApiResponse(description="bad signature")})
    def post(self, request: Request) -> Response:
        try:
            applied = apply_stripe_webhook(request.body, request.META.get("HTTP_STRIPE_SIGNATURE", ""))
        except InvalidStripeSignature as exc:
            raise api_validation_error(DjangoValidationError({"Stripe-Signature": exc.messages})) from None
        return Response({"received": True, "applied": applied})


class AuditEventListView(ListAPIView):
    """The store's audit trail (owner only): who did what, to what, from which IP; newest first."""

    permission_classes = [IsOwner]
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilter

    def get_queryset(self) -> QuerySet[AuditEvent]:
        return audit_events_for(get_api_merchant(self.request))


class ExportGone(APIException):
    status_code = status.HTTP_410_GONE
    default_code = "export_expired"
    default_detail = "This export expired; start a new one."


class DataExportCreateView(APIView):
    """Export all of the store's data (owner only): 202 with the job; poll it for the download URL."""

    permission_classes = [IsOwner]

    @extend_schema(request=EmptyBodySerializer, responses={202: DataExportSerializer})
    def post(self, request: Request) -> Response:
        EmptyBodySerializer(data=request.data).is_valid(raise_exception=True)
        export = exports.start_export(get_api_merchant(request), by=request.user, request=request._request)
        return Response(DataExportSerializer(export, context={"request": request}).data, status=202)


class DataExportView(RetrieveAPIView):
    """An export's status, progress and (once ready, for 24 hours) its download URL. Owner only."""

    permission_classes = [IsOwner]
    serializer_class = DataExportSerializer

    def get_queryset(self) -> QuerySet[DataExport]:
        return DataExport.objects.for_merchant(get_api_merchant(self.request))


class DataExportDownloadView(DataExportView):
    """The zip itself, to the store's owner only, while the link is valid."""

    @extend_schema(responses={(200, "application/zip"): bytes, 410: OpenApiResponse(description="export_expired")})
    def get(self, request: Request, pk: str) -> FileResponse:
        export = self.get_object()
        try:
            path = exports.export_file(export)
        except exports.ExportExpired as exc:
            raise ExportGone(" ".join(exc.messages)) from None
        except DjangoValidationError as exc:
            raise api_validation_error(exc) from None
        return FileResponse(
            open(path, "rb"), as_attachment=True, filename=f"nexusone-export-{export.created_at:%Y%m%d}.zip"
        )


class IsOwnerOrManager(IsOwner):
    message = "Only the store's owners and managers can do this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        membership = get_api_membership(request)
        return membership is not None and membership.can_write


class EraseCustomerView(APIView):
    """Erase one customer's personal data from the store's orders and their copies (owner or manager).
    Amounts, dates and the commission ledger stay; CJ is not told (see `note`)."""

    permission_classes = [IsOwnerOrManager]

    @extend_schema(request=EraseCustomerSerializer, responses={200: ErasureResultSerializer})
    def post(self, request: Request) -> Response:
        serializer = EraseCustomerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = erasure.erase_customer(
            get_api_merchant(request), serializer.validated_data["email"], by=request.user, request=request._request
        )
        return Response(ErasureResultSerializer(result).data)
