"""The shared CJ rate limiter on a fake clock: a slot counts until one second after its call came back."""

from __future__ import annotations

import heapq
import random
import uuid

import pytest

from nexusone.suppliers.base import SupplierRateLimited
from nexusone.suppliers.cj.ratelimit import HOLD_LAPSE, AccountRateLimiter, MemorySlotWindow, slot_window

from .conftest import FakeClock


@pytest.fixture(params=["configured", "memory"])
def window(request):
    """The window the app uses (Redis under `make test`, shared by processes) and the in-memory one."""
    return slot_window() if request.param == "configured" else MemorySlotWindow()


def limiter(window, clock: FakeClock, qps: float) -> AccountRateLimiter:
    return AccountRateLimiter(f"test-{uuid.uuid4().hex}", qps, window=window, sleep=clock.sleep, clock=clock.time)


def test_a_slot_counts_until_one_second_after_its_call_came_back(window, fake_clock):
    start = fake_clock.now
    limit = limiter(window, fake_clock, 2)
    first, _ = limit.acquire()
    second, _ = limit.acquire()
    fake_clock.now += 0.3
    limit.release(first)  # its call came back at +0.3 s
    fake_clock.now += 0.2
    limit.release(second)

    limit.acquire()

    # Counting from when the calls were let out would have let the third out at +1.0 s.
    assert fake_clock.now - start == pytest.approx(1.3)


def test_while_every_slot_is_under_way_no_call_is_let_out(window, fake_clock):
    limit = limiter(window, fake_clock, 1)
    held, _ = limit.acquire()
    fake_clock.now += 5  # a slow call: CJ may receive it at any moment until it comes back

    with pytest.raises(SupplierRateLimited):
        limit.acquire(timeout=2)
    limit.release(held)
    _, waited = limit.acquire()

    assert waited == pytest.approx(1.0, abs=0.02)


def test_a_slot_whose_holder_died_is_given_back_once_its_hold_lapses(window, fake_clock):
    limit = limiter(window, fake_clock, 1)
    limit.acquire()  # never released: the worker died mid-call
    fake_clock.now += HOLD_LAPSE + 1.0

    _, waited = limit.acquire()

    assert waited == 0


def test_the_slot_context_gives_the_slot_back_when_the_call_fails(window, fake_clock):
    limit = limiter(window, fake_clock, 1)
    with pytest.raises(ConnectionError), limit.slot():
        raise ConnectionError("CJ unreachable")
    fake_clock.now += 1.0

    with limit.slot() as waited:
        assert waited == 0


def test_below_one_call_a_second_the_window_stretches(window, fake_clock):
    limit = limiter(window, fake_clock, 0.5)
    with limit.slot():
        pass

    with limit.slot() as waited:
        assert waited == pytest.approx(2.0)


@pytest.mark.parametrize("qps", [2, 5])
def test_no_second_of_arrivals_at_cj_holds_more_than_the_limit_whatever_the_jitter(window, qps):
    """Four workers, round trips of 1-300 ms, each call arriving at CJ anywhere within its round trip."""
    rng = random.Random(qps)  # repeatable jitter
    key, period = f"test-{uuid.uuid4().hex}", 1.0
    events = [(0.0, "take", worker, "") for worker in range(4)]  # (time, kind, worker, slot)
    arrivals: list[float] = []
    while len(arrivals) < 120:
        now, kind, worker, slot = heapq.heappop(events)
        if kind == "give_back":
            window.give_back(key, slot, period, now)
            heapq.heappush(events, (now, "take", worker, ""))
            continue
        slot = uuid.uuid4().hex
        pause = window.take(key, slot, qps, period, now)
        if pause is not None:
            heapq.heappush(events, (now + max(pause, 0.001), "take", worker, ""))
            continue
        round_trip = rng.uniform(0.001, 0.3)
        arrivals.append(now + rng.uniform(0, round_trip))
        heapq.heappush(events, (now + round_trip, "give_back", worker, slot))

    arrivals.sort()
    busiest = max(sum(1 for t in arrivals[i:] if t < start + period) for i, start in enumerate(arrivals))
    assert busiest == qps
