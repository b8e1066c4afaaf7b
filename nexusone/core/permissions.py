"""DRF permissions built on the request's membership and role."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from .api import get_api_membership, get_api_merchant


class IsMerchantMember(BasePermission):
    """Authenticated and acting for a merchant; viewers may only read."""

    message = "You do not have permission to change this merchant's data."

    def has_permission(self, request: Request, view) -> bool:
        if get_api_merchant(request) is None:
            return False
        membership = get_api_membership(request)
        if membership is None:  # an extension session: its own scopes decide
            return True
        return request.method in SAFE_METHODS or membership.can_write


class IsMemberOfAnyRole(BasePermission):
    """Acting for a merchant, whatever the role (for per-user actions such as marking read)."""

    def has_permission(self, request: Request, view) -> bool:
        return get_api_merchant(request) is not None


class IsOwner(BasePermission):
    message = "Only the merchant's owner can do this."

    def has_permission(self, request: Request, view) -> bool:
        membership = get_api_membership(request)
        return membership is not None and membership.is_owner
