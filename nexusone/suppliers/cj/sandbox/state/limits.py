"""Faults injected on CJ paths, the account's QPS window, call counters and the daily points budget."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...accounting import points_for
from .common import now_utc

FAULT_KINDS = {"rate_limit", "points", "server_error", "timeout", "invalid_token", "busy"}


@dataclass
class Fault:
    path: str  # a CJ path ("product/query") or "*"
    kind: str
    remaining: int = 1  # how many calls it hits; -1: until cleared
    status: int | None = None  # HTTP status for rate_limit (200 or 429) and server_error (500, 502, 503)
    seconds: float = 5.0  # timeout: how long the answer is held back
    retry_after: int | None = None
    apply: bool = False  # server_error: perform the call first, then answer with the error

    def describe(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "kind": self.kind,
            "remaining": self.remaining,
            "status": self.status,
            "seconds": self.seconds,
            "retry_after": self.retry_after,
            "apply": self.apply,
        }


class LimitsMixin:
    """SandboxState's faults and limits; the attributes they use are set by its reset()."""

    def take_fault(self, path: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.path in (path, "*") and fault.remaining != 0:
                    if fault.remaining > 0:
                        fault.remaining -= 1
                    return fault
            return None

    def take_rate_token(self) -> bool:
        """Admit a call arriving now under the account's QPS (a strict sliding window): False means 1600200."""
        if self.arrivals.admit(self.qps):
            return True
        with self.lock:
            self.stats["rate_limited"] += 1
        return False

    def count_call(self, path: str) -> None:
        with self.lock:
            self.stats["calls"] += 1
            self.stats["by_path"][path] = self.stats["by_path"].get(path, 0) + 1

    def spend_points(self, path: str) -> dict[str, int] | None:
        """Charge the call's points; the points info (CJ's `pointsInfo`) when the day's budget is used up.

        As at CJ the count starts again at 00:00 UTC, and a refused call costs nothing."""
        cost = points_for(path)
        with self.lock:
            self._reset_points_at_midnight()
            if self.daily_points and cost and self.points_used + cost > self.daily_points:
                self.stats["out_of_points"] = self.stats.get("out_of_points", 0) + 1
                return self.points_info()
            self.points_used += cost
            return None

    def points_info(self) -> dict[str, int]:
        with self.lock:
            self._reset_points_at_midnight()
            total = self.daily_points or 50_000
            return {"usedToday": self.points_used, "remaining": max(0, total - self.points_used), "total": total}

    def _reset_points_at_midnight(self) -> None:
        today = now_utc().date()
        if getattr(self, "points_day", None) != today:
            self.points_day = today
            self.points_used = 0
