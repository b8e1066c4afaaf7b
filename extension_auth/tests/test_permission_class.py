"""ExtensionScope, as other apps' views use it (e.g. a products list with `products:read`)."""

import pytest
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from extension_auth import actions
from extension_auth.authentication import WITH_EXTENSION_TOKENS
from extension_auth.permissions import ExtensionScope
from nexusone.core.permissions import IsMerchantMember

pytestmark = pytest.mark.django_db


class ProductsLike(APIView):
    authentication_classes = WITH_EXTENSION_TOKENS
    permission_classes = [IsAuthenticated, IsMerchantMember, ExtensionScope]
    extension_scope = {"GET": "products:read"}

    def get(self, request):
        merchant = getattr(request.auth, "merchant", None)
        return Response({"merchant": str(merchant.pk) if merchant else None})

    def post(self, request):
        return Response(status=201)


class NoScope(APIView):
    authentication_classes = WITH_EXTENSION_TOKENS
    permission_classes = [IsAuthenticated, IsMerchantMember, ExtensionScope]

    def get(self, request):
        return Response({})


def call(view, method, token):
    request = getattr(APIRequestFactory(), method)("/x", HTTP_AUTHORIZATION=f"Bearer {token}")
    return view.as_view()(request)


def test_a_read_scope_lets_extension_tokens_read_and_nothing_more(premium, owner):
    _, reader = actions.create_session(owner, premium, permissions=["products:read"])
    _, importer = actions.create_session(owner, premium, permissions=["import"])
    response = call(ProductsLike, "get", reader)
    assert response.status_code == 200
    assert response.data["merchant"] == str(premium.pk)
    assert call(ProductsLike, "post", reader).status_code == 403
    assert call(ProductsLike, "get", importer).status_code == 403


def test_a_view_naming_no_scope_refuses_extension_tokens(premium, owner):
    _, token = actions.create_session(owner, premium)
    assert call(NoScope, "get", token).status_code == 403


def test_user_tokens_pass_through_to_the_usual_role_checks(premium, owner):
    from rest_framework_simplejwt.tokens import RefreshToken

    access = str(RefreshToken.for_user(owner).access_token)
    assert call(ProductsLike, "get", access).status_code == 200
    assert call(ProductsLike, "post", access).status_code == 201
