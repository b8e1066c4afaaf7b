"""The points ledger of a CJ account: what today's calls cost, what is left, and who may spend it.

CJ gives an account 50,000 points a day plus 100 per USD of its best monthly sales of the last three
months, reset at 00:00 UTC (CJ_API.md §3). Every call is charged from the one table
(`accounting.points_for`) before it leaves, atomically in the shared cache, so every process of every
store on the same CJ account sees one count. When CJ sends `pointsInfo` its figures replace ours.

A share of the budget (CJ_POINTS_RESERVE_PERCENT, default 20) is kept for foreground calls — imports,
shipping quotes, stock checks at order time: background calls (`budget.Purpose.BACKGROUND`) are refused
before they would dip into it. Once CJ answers "out of points" (HTTP 429), calls that cost points are not
sent again until the reset; calls that cost nothing (orders, tracking, tokens) go on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache

from nexusone.suppliers.base import SupplierPointsReserved, SupplierQuotaExhausted
from nexusone.suppliers.budget import Purpose
from nexusone.suppliers.models import SupplierAccount

from .accounting import points_for
from .tokens import cj_account_key

BASE_DAILY_POINTS = 50_000
POINTS_PER_SALES_USD = 100
DEFAULT_RESERVE_PERCENT = 20
_TTL = 2 * 86400


def now_utc() -> datetime:
    return datetime.now(UTC)


def next_reset(now: datetime | None = None) -> datetime:
    """CJ's next daily reset: the coming 00:00 UTC."""
    now = (now or now_utc()).astimezone(UTC)
    return datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)


def daily_budget(best_monthly_sales_usd: Decimal | int = 0) -> int:
    """50,000 points plus 100 per USD of the best recent monthly sales (CJ_API.md §3)."""
    return BASE_DAILY_POINTS + int(Decimal(best_monthly_sales_usd or 0) * POINTS_PER_SALES_USD)


def reserve_percent() -> int:
    return int(getattr(settings, "CJ_POINTS_RESERVE_PERCENT", DEFAULT_RESERVE_PERCENT))


class PointsBalance:
    """What is left of a day's points, for anything that has its `budget`, `used`, `reserve` and `paused_until`."""

    budget: int
    used: int
    reserve: int
    paused_until: datetime | None

    @property
    def remaining(self) -> int:
        return max(0, self.budget - self.used)

    @property
    def background_budget(self) -> int:
        return self.budget - self.reserve

    @property
    def background_remaining(self) -> int:
        return max(0, self.background_budget - self.used)

    @property
    def exhausted(self) -> bool:
        """CJ said the points ran out (until the reset or its Retry-After)."""
        return self.paused_until is not None


@dataclass(frozen=True)
class PointsStatus(PointsBalance):
    """One CJ account's points today."""

    budget: int
    used: int
    reserve: int
    resets_at: datetime
    paused_until: datetime | None = None  # CJ said the points ran out
    reported: dict[str, Any] | None = None  # CJ's last `pointsInfo`
    by_purpose: dict[str, int] = field(default_factory=dict)

    def projected_at_reset(self, now: datetime | None = None) -> int:
        """The points used by the reset if the rest of the day spends as the day so far did."""
        now = (now or now_utc()).astimezone(UTC)
        elapsed = 86400 - (self.resets_at - now).total_seconds()
        if elapsed <= 0:
            return self.used
        return round(self.used * 86400 / elapsed)


class PointsLedger:
    """`ledger.charge(endpoint)` before a call; `correct`/`note_exhausted` with what CJ answered."""

    def __init__(self, account: SupplierAccount) -> None:
        self.account = account
        self.key = cj_account_key(account)

    # --- keys: one set per CJ account and UTC day, so the reset needs no job -------------------
    def _key(self, what: str, now: datetime | None = None) -> str:
        day = (now or now_utc()).astimezone(UTC).strftime("%Y%m%d")
        return f"supplier:cj:points:{self.key}:{day}:{what}"

    def _add(self, what: str, amount: int, now: datetime | None = None) -> int:
        key = self._key(what, now)
        cache.add(key, 0, timeout=_TTL)
        try:
            return int(cache.incr(key, amount))
        except ValueError:  # expired between add and incr
            cache.set(key, amount, timeout=_TTL)
            return amount

    # --- the day's figures ------------------------------------------------------------------
    def budget(self, now: datetime | None = None) -> int:
        reported = cache.get(self._key("reported", now))
        if reported and reported.get("total"):
            return int(reported["total"])
        return daily_budget(getattr(self.account, "best_monthly_sales_usd", 0))

    def status(self, now: datetime | None = None) -> PointsStatus:
        now = now or now_utc()
        names = ["used", "reported", "paused", *(f"purpose:{p.value}" for p in Purpose)]
        values = cache.get_many([self._key(name, now) for name in names])
        budget = self.budget(now)
        paused = values.get(self._key("paused", now))
        return PointsStatus(
            budget=budget,
            used=int(values.get(self._key("used", now)) or 0),
            reserve=budget * reserve_percent() // 100,
            resets_at=next_reset(now),
            paused_until=datetime.fromtimestamp(paused, UTC) if paused and paused > now.timestamp() else None,
            reported=values.get(self._key("reported", now)),
            by_purpose={p.value: int(values.get(self._key(f"purpose:{p.value}", now)) or 0) for p in Purpose},
        )

    # --- spending ---------------------------------------------------------------------------
    def charge(self, endpoint: str, purpose: Purpose) -> int:
        """Count the call's points before it is sent; refuse it when the day's points are gone for it.

        Background calls stop where the reserve begins (by our count). Foreground calls go while CJ has
        not said the points ran out: CJ's count is the one that matters, and ours may lag behind it."""
        cost = points_for(endpoint)
        if not cost:
            return 0
        self.refuse_while_paused()
        used = self._add("used", cost)
        if purpose == Purpose.BACKGROUND:
            status = self.status()
            if used > status.background_budget:
                self._add("used", -cost)
                raise SupplierPointsReserved(self._reserved_message(status), retry_after=self._until_reset())
        self._add(f"purpose:{purpose.value}", cost)
        return cost

    def refund(self, cost: int, purpose: Purpose) -> None:
        """A charged call that never reached CJ (or that CJ refused before counting it)."""
        if cost:
            self._add("used", -cost)
            self._add(f"purpose:{purpose.value}", -cost)

    def correct(self, points_info: dict[str, Any]) -> None:
        """CJ's own figures (`pointsInfo`: usedToday, remaining, total) replace ours for today."""
        used = _int(points_info.get("usedToday"))
        total = _int(points_info.get("total"))
        if total is None and used is not None and _int(points_info.get("remaining")) is not None:
            total = used + _int(points_info.get("remaining"))
        cache.set(self._key("reported"), {**points_info, "total": total}, timeout=_TTL)
        if used is not None:
            cache.set(self._key("used"), used, timeout=_TTL)

    def note_exhausted(self, points_info: dict[str, Any] | None, retry_after: float | None = None) -> float:
        """CJ said the points ran out: no call that costs points is sent before the reset (or CJ's
        Retry-After, when it gives one). Returns the seconds of the pause."""
        if points_info:
            self.correct(points_info)
        pause = retry_after if retry_after is not None else self._until_reset()
        cache.set(self._key("paused"), now_utc().timestamp() + pause, timeout=max(1, int(pause) + 1))
        return pause

    def refuse_while_paused(self) -> None:
        paused = cache.get(self._key("paused"))
        wait = (paused or 0) - now_utc().timestamp()
        if wait > 0:
            raise SupplierQuotaExhausted(
                "CJ says today's API points are used up; reads resume at 00:00 UTC "
                "(orders and tracking are not affected).",
                code=429,
                retry_after=wait,
            )

    def _until_reset(self) -> float:
        now = now_utc()
        return (next_reset(now) - now).total_seconds()

    def _reserved_message(self, status: PointsStatus) -> str:
        return (
            f"Background refreshes have used their share of today's CJ points ({status.background_budget:,} of "
            f"{status.budget:,}); the last {reserve_percent()}% is kept for imports, shipping quotes and stock "
            "checks at order time. Refreshes resume after 00:00 UTC."
        )


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
