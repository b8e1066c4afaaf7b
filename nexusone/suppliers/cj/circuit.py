"""A circuit breaker shared by every process (Django's cache: Redis in production).

Closed: calls flow. After `threshold` transient failures (5xx, timeouts, connection
errors) within `window` seconds it opens: every call fails fast with
SupplierCircuitOpen, so writes pause and reads do not pile up. After `cooldown`
seconds one probe call is let through (half-open); its success closes the
circuit, its failure opens it again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from nexusone.suppliers.base import SupplierCircuitOpen

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half-open"


@dataclass
class CircuitBreaker:
    name: str = "cj"
    threshold: int = 5
    window: float = 60.0
    cooldown: float = 30.0
    clock: Callable[[], float] = time.time

    @classmethod
    def for_cj(cls, clock: Callable[[], float] = time.time) -> CircuitBreaker:
        return cls(
            name="cj",
            threshold=int(getattr(settings, "CJ_CIRCUIT_THRESHOLD", 5)),
            window=float(getattr(settings, "CJ_CIRCUIT_WINDOW", 60)),
            cooldown=float(getattr(settings, "CJ_CIRCUIT_COOLDOWN", 30)),
            clock=clock,
        )

    def _key(self, part: str) -> str:
        return f"supplier:circuit:{self.name}:{part}"

    def state(self) -> str:
        opened_until = cache.get(self._key("open_until"))
        if opened_until is None:
            return CLOSED
        return OPEN if self.clock() < float(opened_until) else HALF_OPEN

    def retry_at(self) -> float | None:
        value = cache.get(self._key("open_until"))
        return float(value) if value is not None else None

    def failures(self) -> int:
        return int(cache.get(self._key("failures")) or 0)

    def before_call(self) -> None:
        """Raise SupplierCircuitOpen unless the call may go (closed, or the one half-open probe)."""
        state = self.state()
        if state == CLOSED:
            return
        if state == HALF_OPEN and cache.add(self._key("probe"), 1, timeout=max(int(self.cooldown), 5)):
            return  # this caller is the probe
        retry_at = self.retry_at()
        wait = max(0.0, (retry_at or self.clock()) - self.clock())
        raise SupplierCircuitOpen(f"CJ circuit is open after repeated failures; next probe in {wait:.0f}s")

    def record_success(self) -> None:
        if cache.get(self._key("open_until")) is not None or cache.get(self._key("failures")):
            cache.delete_many([self._key("open_until"), self._key("failures"), self._key("probe")])

    def record_failure(self) -> None:
        if self.state() != CLOSED:  # the probe failed (or a call raced it): open again
            self._open()
            return
        key = self._key("failures")
        cache.add(key, 0, timeout=int(self.window))
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=int(self.window))
            count = 1
        if count >= self.threshold:
            self._open()

    def _open(self) -> None:
        cache.set(self._key("open_until"), self.clock() + self.cooldown, timeout=None)
        cache.delete(self._key("probe"))

    def reset(self) -> None:
        cache.delete_many([self._key("open_until"), self._key("failures"), self._key("probe")])


def circuit_summary() -> tuple[bool, str]:
    """For /health/ready: (True when closed, a sentence on the state)."""
    breaker = CircuitBreaker.for_cj()
    state = breaker.state()
    if state == CLOSED:
        failures = breaker.failures()
        return True, f"CJ circuit closed ({failures} recent failure{'s' if failures != 1 else ''})"
    if state == HALF_OPEN:
        return False, "CJ circuit half-open: the next call probes CJ"
    wait = max(0.0, (breaker.retry_at() or 0) - time.time())
    return False, f"CJ circuit open: calls fail fast, next probe in {wait:.0f}s"
