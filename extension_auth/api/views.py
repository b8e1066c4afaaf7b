from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, status
from rest_framework.fields import CharField, DateTimeField, IntegerField, ListField, UUIDField
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from imports.actions import import_quota_left
from nexusone.core.api import api_validation_error, get_api_membership, get_api_merchant
from nexusone.core.exceptions import NoMerchant

from .. import actions
from ..authentication import EXTENSION_TOKENS_ONLY
from ..permissions import ANY_PERMISSION, IsExtensionSession
from .serializers import ExtensionSessionSerializer, GenerateTokenSerializer


class MemberOnly(IsAuthenticated):
    """Signed in as a user (extension tokens never reach these views) and a member of a merchant."""

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        if get_api_membership(request) is None:
            raise NoMerchant()
        return True


class GenerateTokenView(APIView):
    """Create an extension session; the token is in this answer only. Premium plan only."""

    permission_classes = [MemberOnly]
    serializer_class = GenerateTokenSerializer

    @extend_schema(
        responses={
            201: inline_serializer("NewExtensionToken", {"token": CharField(), "session": ExtensionSessionSerializer()})
        }
    )
    def post(self, request: Request) -> Response:
        serializer = GenerateTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            session, token = actions.create_session(
                request.user, get_api_merchant(request), request=request._request, **serializer.validated_data
            )
        except DjangoValidationError as exc:
            raise api_validation_error(exc) from None
        body = {"token": token, "session": ExtensionSessionSerializer(session).data}
        return Response(body, status=status.HTTP_201_CREATED)


class SessionsMixin:
    permission_classes = [MemberOnly]
    serializer_class = ExtensionSessionSerializer

    def get_queryset(self):
        membership = get_api_membership(self.request)
        return actions.visible_sessions(self.request.user, membership.merchant, is_owner=membership.is_owner)


class SessionListView(SessionsMixin, generics.ListAPIView):
    """Your extension sessions in this store (an owner sees everyone's)."""


class SessionRevokeView(SessionsMixin, generics.GenericAPIView):
    def delete(self, request: Request, pk: str) -> Response:
        session = self.get_object()
        actions.revoke_session(session, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    """The extension's own view of its session: merchant, plan, permissions, expiry, import quota left."""

    authentication_classes = EXTENSION_TOKENS_ONLY
    permission_classes = [IsExtensionSession]
    extension_scope = {"GET": ANY_PERMISSION}

    @extend_schema(
        responses=inline_serializer(
            "ExtensionMe",
            {
                "session": ExtensionSessionSerializer(),
                "user": CharField(),
                "merchant": inline_serializer("ExtensionMerchant", {"id": UUIDField(), "name": CharField()}),
                "plan": CharField(),
                "permissions": ListField(child=CharField()),
                "expires_at": DateTimeField(),
                "import_quota_left": IntegerField(allow_null=True),
            },
        )
    )
    def get(self, request: Request) -> Response:
        session = request.auth
        merchant = session.merchant
        return Response(
            {
                "session": ExtensionSessionSerializer(session).data,
                "user": session.user.email,
                "merchant": {"id": str(merchant.pk), "name": merchant.name},
                "plan": merchant.plan,
                "permissions": session.permissions,
                "expires_at": session.expires_at,
                "import_quota_left": import_quota_left(merchant),
            }
        )
