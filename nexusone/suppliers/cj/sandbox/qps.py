"""CJ's QPS limit as the sandbox enforces it: a strict sliding window over arrival times.

CJ counts a call when it arrives. A token bucket (what the sandbox used before) lets a client
refill and burst, so three calls could land within one second at QPS 2 and be served; CJ would
refuse the third. Here a call is admitted only when fewer than `limit` admitted calls arrived in
the `period` before it, for every possible window, not only for windows aligned to whole seconds.
Refused calls do not count (they did no work at CJ).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from ..ratelimit import window_for


class ArrivalWindow:
    """Admit at most `limit` arrivals in any `period` seconds (one CJ account)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._arrivals: deque[float] = deque()
        self._lock = threading.Lock()

    def admit(self, qps: float) -> bool:
        """True when a call arriving now is within `qps`; False means CJ's 1600200."""
        if qps <= 0:
            return True
        limit, period = window_for(qps)
        with self._lock:
            now = self.clock()
            while self._arrivals and self._arrivals[0] <= now - period:
                self._arrivals.popleft()
            if len(self._arrivals) >= limit:
                return False
            self._arrivals.append(now)
            return True

    def clear(self) -> None:
        with self._lock:
            self._arrivals.clear()
