from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .tenancy import merchant_context, resolve_membership


class CurrentMerchantMiddleware:
    """Sets request.membership / request.merchant and the current-merchant context."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        membership = resolve_membership(request)
        request.membership = membership
        request.merchant = membership.merchant if membership else None
        with merchant_context(request.merchant):
            return self.get_response(request)
