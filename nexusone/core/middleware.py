from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from rest_framework.views import APIView

from . import ratelimits
from .audit import client_ip
from .errors import TOO_LARGE, error_response
from .tenancy import bypass, merchant_context, nobody, resolve_membership, user_context
from .throttling import client_key

ADMIN_PREFIX = "/admin/"  # nexusone/urls.py


class CurrentMerchantMiddleware:
    """Sets request.membership / request.merchant and the current-merchant context."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else None
        if user_id is not None and user.is_staff and request.path_info.startswith(ADMIN_PREFIX):
            # Staff in the Django admin see every store: logged per request, audited per request that writes.
            writes = request.method not in ("GET", "HEAD", "OPTIONS")
            with bypass(f"staff in the Django admin: {request.method} {request.path_info}", actor=user, audit=writes):
                request.membership, request.merchant = None, None
                return self.get_response(request)
        # Always an explicit context: for nobody (no tenant row) until the membership names the merchant.
        with nobody(), user_context(user_id):
            membership = resolve_membership(request)
            request.membership = membership
            request.merchant = membership.merchant if membership else None
            with merchant_context(request.merchant):
                return self.get_response(request)


class RateLimitMiddleware:
    """Rate limits for everything DRF does not throttle itself: API calls without credentials and the HTML
    pages (per IP address, or per user with one), the live event stream (per user) and CJ's webhook
    receiver (per source IP, body capped)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable, view_args: list, view_kwargs: dict):
        match = request.resolver_match
        if match is not None and match.view_name in WEBHOOK_ROUTES:
            return _webhook_refusal(request)  # CJ's and Stripe's senders: per source IP, body capped
        if _is_api_view(view_func):
            if _has_credentials(request):
                return None  # DRF's throttles count users and extension sessions (nexusone.core.throttling)
            # Without credentials, counted per IP here: DRF would answer 401 before its throttles run.
            return _throttled(request, ["anon"], f"ip:{client_ip(request)}")
        if match is None or match.view_name in UNLIMITED_ROUTES or "cj_sandbox" in match.namespaces:
            return None
        key = client_key(request)
        scopes = ["anon"] if key.startswith("ip:") else ["burst", "sustained"]
        if match.view_name == EVENT_STREAM_ROUTE:
            scopes.append("event_stream")
        return _throttled(request, scopes, key)


# Load balancers' probes; the mounted CJ sandbox (a stand-in for CJ in the demo) is left alone too.
UNLIMITED_ROUTES = {"health", "health_ready"}
# Webhooks from CJ and Stripe: counted per source IP under the webhook scope, not as anonymous API calls.
WEBHOOK_ROUTES = {"webhook-cj", "stripe_webhook"}
EVENT_STREAM_ROUTE = "event_stream"


def _is_api_view(view_func: Callable) -> bool:
    view_class = getattr(view_func, "cls", None)
    return view_class is not None and issubclass(view_class, APIView)


def _has_credentials(request: HttpRequest) -> bool:
    return "HTTP_AUTHORIZATION" in request.META or request.user.is_authenticated


def _throttled(request: HttpRequest, scopes: list[str], key: str) -> HttpResponse | None:
    for scope in scopes:
        wait = ratelimits.hit(scope, key)
        if wait is not None:
            return error_response(request, 429, "throttled", ratelimits.retry_message(wait), {"Retry-After": str(wait)})
    return None


def _webhook_refusal(request: HttpRequest) -> HttpResponse | None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.WEBHOOK_MAX_BODY_BYTES:
        return error_response(request, 413, "payload_too_large", TOO_LARGE)
    return _throttled(request, ["webhook"], f"ip:{client_ip(request)}")
