"""Request rate limits, one rule per scope (settings.RATE_LIMITS), counted in Redis by `limits`.

The API applies them with DRF throttles (nexusone.core.throttling), the HTML pages, CJ's webhook
receiver and the event stream with RateLimitMiddleware, and logins with nexusone.accounts.login_limits;
all of them answer 429 with Retry-After. A scope set to "" is off. Without Redis (the demo) each
process counts for itself.
"""

from __future__ import annotations

import math
import time
from functools import lru_cache

from django.conf import settings
from limits import RateLimitItem, parse
from limits.storage import Storage, storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter


@lru_cache(maxsize=4)
def _limiter(uri: str) -> SlidingWindowCounterRateLimiter:
    return SlidingWindowCounterRateLimiter(storage_from_string(uri))


def limiter() -> SlidingWindowCounterRateLimiter:
    return _limiter(settings.REDIS_URL or "memory://")


def storage() -> Storage:
    return limiter().storage


@lru_cache(maxsize=64)
def _parse(rate: str) -> RateLimitItem:
    return parse(rate)


def rate_of(scope: str) -> RateLimitItem | None:
    """The scope's rate ("100 per 5 seconds", "10/minute"), or None when it is off."""
    if not settings.RATE_LIMITS_ENABLED:
        return None
    rate = settings.RATE_LIMITS.get(scope, "")
    return _parse(rate) if rate else None


def _wait(item: RateLimitItem, scope: str, key: str) -> int:
    reset_time = limiter().get_window_stats(item, scope, key).reset_time
    return max(1, math.ceil(reset_time - time.time()))


def hit(scope: str, key: str) -> int | None:
    """Count one request by `key` against `scope`: None when allowed, else the seconds to wait."""
    item = rate_of(scope)
    if item is None or limiter().hit(item, scope, key):
        return None
    return _wait(item, scope, key)


def check(scope: str, key: str) -> int | None:
    """Like hit(), without counting: None when one more request would be allowed."""
    item = rate_of(scope)
    if item is None or limiter().test(item, scope, key):
        return None
    return _wait(item, scope, key)


def clear(scope: str, key: str) -> None:
    item = rate_of(scope)
    if item is not None:
        limiter().clear(item, scope, key)


def retry_message(wait: int) -> str:
    return f"Too many requests. Wait {wait} second{'s' if wait != 1 else ''} and try again."
