"""CJ's QPS limit per account, shared by every process through Redis.

CJ counts a call when it *arrives*, within any one-second window. We only know when we let a
call out and when its answer came back; in between, network and scheduling jitter move the
arrival. Counting a call when it is let out (a plain moving window) therefore lets three calls
land in one of CJ's seconds at QPS 2, and CJ refuses one with 1600200.

So a slot is held from the moment it is granted until its call has returned, and stays in the
window for one second after that. A call is let out only when fewer than `limit` slots are in
the window. Any call let out while the window is full waits for a slot whose call came back at
least a second earlier, and that call had arrived at CJ before its answer came back: no
one-second window of arrivals at CJ can hold more than the limit, whatever the jitter. The cost
is one round trip per slot per second (throughput ≈ limit / (1 s + round trip)).

The window is a sorted set per account in Redis (member: one slot; score: when its call came
back, or, while it is under way, when its hold lapses should the holder die), changed by Lua
scripts on Redis's clock so the processes' own clocks need not agree. Without Redis (the
zero-setup demo) the same window lives in process memory.
"""

from __future__ import annotations

import math
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Protocol

import redis
from django.conf import settings
from limits.storage import Storage, storage_from_string

from nexusone.core.redis_clients import redis_client

# CJ's QPS per account level (CJ_API.md §3): free/0-1 → 1, 2 → 2, 3 → 4, 4-5 → 6.
LEVEL_QPS = {0: 1.0, 1: 1.0, 2: 2.0, 3: 4.0, 4: 6.0, 5: 6.0}
# A slot whose call has not come back after this long (a dead worker) is given back. Longer than any call:
# the client's connect + read timeouts are 5 + 30 s.
HOLD_LAPSE = 60.0
# While every slot is under way nobody knows when one comes back: look again this often.
POLL = 0.01
KEY_PREFIX = "supplier:cj:qps:"


@lru_cache(maxsize=4)
def _storage(uri: str) -> Storage:
    return storage_from_string(uri)


def limiter_storage() -> Storage:
    """`limits` storage for the token-refresh limiter (tokens.py): Redis, else process memory."""
    return _storage(getattr(settings, "REDIS_URL", "") or "memory://")


def window_for(qps: float) -> tuple[int, float]:
    """(slots, seconds): `qps` calls per second; below 1/s, one call per 1/qps seconds."""
    limit = max(1, math.floor(qps))
    return limit, limit / qps


class SlotWindow(Protocol):
    def take(self, key: str, slot: str, limit: int, period: float, now: float | None) -> float | None:
        """Grant `slot` (None) or say how long to wait before asking again (seconds)."""

    def give_back(self, key: str, slot: str, period: float, now: float | None) -> None:
        """The slot's call has come back: it leaves the window `period` seconds from now."""


class MemorySlotWindow:
    """The window in this process only (no Redis: the demo's single machine)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._slots: dict[str, dict[str, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str, slot: str, limit: int, period: float, now: float | None) -> float | None:
        now = self.clock() if now is None else now
        with self._lock:
            slots = self._slots.setdefault(key, {})
            for name, score in list(slots.items()):
                if score <= now - period:
                    del slots[name]
            if len(slots) < limit:
                slots[slot] = now + HOLD_LAPSE
                return None
            return _wait(min(slots.values()), period, now)

    def give_back(self, key: str, slot: str, period: float, now: float | None) -> None:
        now = self.clock() if now is None else now
        with self._lock:
            self._slots.setdefault(key, {})[slot] = now


def _wait(earliest: float, period: float, now: float) -> float:
    """Until the earliest slot leaves the window; a short poll when every slot is still under way."""
    return earliest + period - now if earliest <= now else POLL


# ARGV[n] = "" means: use Redis's clock.
_NOW = """
local now = tonumber(ARGV[#ARGV])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
"""
# KEYS[1] the account's window; ARGV: slot, limit, period, hold lapse, now.
_TAKE = (
    _NOW
    + """
local period = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - period)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
  redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[4]) + period) + 1)
  return nil
end
local earliest = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])
return {tostring(earliest), tostring(now)}
"""
)
# KEYS[1] the account's window; ARGV: slot, period, now.
_GIVE_BACK = (
    _NOW
    + """
redis.call('ZADD', KEYS[1], now, ARGV[1])
if redis.call('TTL', KEYS[1]) < 0 then
  redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2])) + 1)
end
return 1
"""
)


class RedisSlotWindow:
    """The window shared by every process through Redis."""

    def __init__(self, client: redis.Redis) -> None:
        self._take = client.register_script(_TAKE)
        self._give_back = client.register_script(_GIVE_BACK)

    def take(self, key: str, slot: str, limit: int, period: float, now: float | None) -> float | None:
        answer = self._take(keys=[KEY_PREFIX + key], args=[slot, limit, period, HOLD_LAPSE, _arg(now)])
        if answer is None:
            return None
        earliest, redis_now = (float(value) for value in answer)
        return _wait(earliest, period, redis_now)

    def give_back(self, key: str, slot: str, period: float, now: float | None) -> None:
        self._give_back(keys=[KEY_PREFIX + key], args=[slot, period, _arg(now)])


def _arg(now: float | None) -> str:
    return "" if now is None else repr(now)


@lru_cache(maxsize=4)
def _window_for_url(url: str) -> SlotWindow:
    return RedisSlotWindow(redis_client(url)) if url else MemorySlotWindow()


def slot_window() -> SlotWindow:
    """Redis when REDIS_URL is set (shared by every process), else this process's memory."""
    return _window_for_url(getattr(settings, "REDIS_URL", "") or "")


class AccountRateLimiter:
    """`with limiter.slot(): call CJ` — at most the account's QPS arrive at CJ in any second."""

    def __init__(
        self,
        key: str,
        qps: float,
        *,
        window: SlotWindow | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] | None = None,
    ) -> None:
        """`clock` None: the window's own clock (Redis's); tests pass a fake clock with a fake `sleep`."""
        self.key, self.qps = key, qps
        self.limit, self.period = window_for(qps)
        self.window = window or slot_window()
        self.sleep, self.clock = sleep, clock

    def _now(self) -> float | None:
        return self.clock() if self.clock is not None else None

    def acquire(self, timeout: float = 120.0) -> tuple[str, float]:
        """Block until a slot is free: (the slot, seconds waited). Give it back with `release`."""
        from nexusone.suppliers.base import SupplierRateLimited

        slot, waited = uuid.uuid4().hex, 0.0
        while (pause := self.window.take(self.key, slot, self.limit, self.period, self._now())) is not None:
            pause = min(max(pause, 0.001), 1.0)
            if waited + pause > timeout:
                raise SupplierRateLimited("Waited too long for a CJ rate-limit slot", retry_after=pause)
            self.sleep(pause)
            waited += pause
        return slot, waited

    def release(self, slot: str) -> None:
        """The slot's call has come back (answered or failed): it counts for one more period."""
        self.window.give_back(self.key, slot, self.period, self._now())

    @contextmanager
    def slot(self, timeout: float = 120.0) -> Iterator[float]:
        """Hold a slot for the duration of one call; yields the seconds waited for it."""
        slot, waited = self.acquire(timeout)
        try:
            yield waited
        finally:
            self.release(slot)
