"""DRF throttles over nexusone.core.ratelimits: per user or extension session (a burst and a per-minute
limit); token refreshes per IP. A throttled call gets 429 with Retry-After in the error shape. Calls
without credentials are counted per IP by RateLimitMiddleware, before DRF answers them 401."""

from __future__ import annotations

from django.http import HttpRequest
from rest_framework.throttling import BaseThrottle

from . import ratelimits
from .audit import client_ip


def client_key(request: HttpRequest) -> str:
    """Who is calling: an extension session, a user, or (anonymous) an IP address."""
    auth = getattr(request, "auth", None)
    if getattr(auth, "is_extension_session", False):
        return f"session:{auth.pk}"
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{client_ip(request)}"


class ScopeThrottle(BaseThrottle):
    """Counts each request against `scope` for the client; `anonymous` says which clients it counts."""

    scope = ""
    anonymous = False

    def allow_request(self, request, view) -> bool:
        key = client_key(request)
        if key.startswith("ip:") != self.anonymous:
            return True
        self._wait = ratelimits.hit(self.scope, key)
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait


class BurstThrottle(ScopeThrottle):
    scope = "burst"


class SustainedThrottle(ScopeThrottle):
    scope = "sustained"


class RefreshThrottle(ScopeThrottle):
    """Token refreshes carry no user (the refresh token is in the body): counted per IP address."""

    scope = "auth"
    anonymous = True
