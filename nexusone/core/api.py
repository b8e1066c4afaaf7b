"""API scoping: every API view finds its merchant here and filters by it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.request import Request

from .tenancy import resolve_membership, set_current_merchant, set_current_user

if TYPE_CHECKING:
    from nexusone.accounts.models import Membership, Merchant

_UNSET = object()


def api_validation_error(exc: DjangoValidationError) -> serializers.ValidationError:
    """An action's ValidationError as the API's 400, naming each field."""
    if hasattr(exc, "error_dict"):
        return serializers.ValidationError(exc.message_dict)
    return serializers.ValidationError({"non_field_errors": exc.messages})


def get_api_membership(request: Request) -> Membership | None:
    """The membership of a user-authenticated request (None for extension tokens)."""
    raw = request._request
    cached = getattr(raw, "_api_membership", _UNSET)
    if cached is _UNSET:
        auth = getattr(request, "auth", None)
        if getattr(auth, "is_extension_session", False):
            cached = None
        else:
            raw.user = request.user
            if request.user is not None and request.user.is_authenticated:
                set_current_user(request.user.pk)  # one's own memberships are readable before a merchant
            cached = resolve_membership(raw)
            set_current_merchant(cached.merchant if cached else None)  # the request acts for it from here
        raw._api_membership = cached
    return cached


def get_api_merchant(request: Request) -> Merchant | None:
    auth = getattr(request, "auth", None)
    if getattr(auth, "is_extension_session", False):
        merchant = auth.merchant
    else:
        membership = get_api_membership(request)
        merchant = membership.merchant if membership else None
    set_current_merchant(merchant)
    return merchant


class MerchantScopedMixin:
    """Mix into every tenant API view: querysets start from the request's merchant.

    Another merchant's object is simply not in the queryset, so it answers 404.
    """

    request: Request
    queryset: QuerySet

    @property
    def merchant(self) -> Merchant:
        merchant = get_api_merchant(self.request)
        assert merchant is not None, "IsMerchantMember runs before any scoped query"
        return merchant

    def get_queryset(self) -> QuerySet:
        return super().get_queryset().filter(merchant=self.merchant)  # type: ignore[misc]

    def perform_create(self, serializer) -> None:
        serializer.save(merchant=self.merchant)
