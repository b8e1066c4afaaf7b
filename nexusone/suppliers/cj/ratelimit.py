"""One rate limiter per CJ account, shared by every process through Redis (`limits`).

Every worker takes a slot from the same moving window before each call, so
together they never exceed the account's QPS. Without Redis (the zero-setup
demo) the window lives in process memory.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from limits import RateLimitItem, RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

# CJ's QPS per account level (CJ_API.md §3): free/0-1 → 1, 2 → 2, 3 → 4, 4-5 → 6.
LEVEL_QPS = {0: 1.0, 1: 1.0, 2: 2.0, 3: 4.0, 4: 6.0, 5: 6.0}


@lru_cache(maxsize=4)
def _storage(uri: str) -> Storage:
    return storage_from_string(uri)


def limiter_storage() -> Storage:
    return _storage(getattr(settings, "REDIS_URL", "") or "memory://")


def rate_item(qps: float) -> RateLimitItem:
    """`qps` calls per second; below 1/s, the same rate per minute."""
    if qps >= 1:
        return RateLimitItemPerSecond(int(qps))
    return RateLimitItemPerMinute(max(1, int(qps * 60)))


class AccountRateLimiter:
    def __init__(
        self,
        key: str,
        qps: float,
        *,
        storage: Storage | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.key, self.qps = key, qps
        self.item = rate_item(qps)
        self.limiter = MovingWindowRateLimiter(storage or limiter_storage())
        self.sleep, self.clock = sleep, clock

    def acquire(self, timeout: float = 120.0) -> float:
        """Block until a slot is free; returns the seconds waited."""
        waited = 0.0
        while not self.limiter.hit(self.item, "cj", self.key):
            stats = self.limiter.get_window_stats(self.item, "cj", self.key)
            pause = min(max(stats.reset_time - self.clock(), 0.005), 1.0)
            if waited + pause > timeout:
                from nexusone.suppliers.base import SupplierRateLimited

                raise SupplierRateLimited("Waited too long for a CJ rate-limit slot", retry_after=pause)
            self.sleep(pause)
            waited += pause
        return waited
