"""Access checks for HTML views, from the membership the middleware put on the request."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

if TYPE_CHECKING:
    from nexusone.accounts.models import Merchant


def current_merchant(request: HttpRequest) -> Merchant:
    """The store the request acts for; 403 for a user who belongs to none."""
    if request.merchant is None:
        raise PermissionDenied("This account is not a member of any store.")
    return request.merchant


def require_write(request: HttpRequest, what: str) -> None:
    """Owners and managers may write; viewers get 403 ("Viewers cannot <what>.")."""
    if request.membership is None or not request.membership.can_write:
        raise PermissionDenied(f"Viewers cannot {what}.")


def require_owner(request: HttpRequest, what: str) -> None:
    """Members, plan and API keys are the owner's ("Only the store's owner can <what>.")."""
    if request.membership is None or not request.membership.is_owner:
        raise PermissionDenied(f"Only the store's owner can {what}.")
