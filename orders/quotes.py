"""Shipping quotes shared between requests: a short cache and one supplier call in flight per question.

A rush of orders for the same items to the same country asks the supplier once: the first caller
takes a lock in the cache (atomic `add`, shared by every process) and asks; the others wait for its
answer in the cache. A "not now" from the supplier (rate limit, CJ down) is remembered briefly as
well, so the waiters do not each ask again: their orders are taken as pending and quoted again
before they go to CJ (orders.actions).
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from django.core.cache import cache

from nexusone.suppliers.base import OrderLineRequest, ShippingQuote, SupplierRateLimited, SupplierUnavailable

QUOTE_CACHE_SECONDS = 300  # a quote is not a price lock; CJ's prices move slowly
REFUSAL_CACHE_SECONDS = 5  # a rate limit or an outage without Retry-After
MAX_REFUSAL_CACHE_SECONDS = 120
LOCK_SECONDS = 60  # the asker's lock expires by itself should its process die mid-call
WAIT_SECONDS = 45  # how long a caller waits for someone else's answer before giving up for now
POLL_SECONDS = 0.05

QuoteQuestion = Callable[[], list[ShippingQuote]]


def quote_key(account_id: Any, lines: Sequence[OrderLineRequest], to_country: str, from_country: str) -> str:
    """One key per (supplier account, destination, ship-from, items), whatever the order of the items."""
    parts = sorted(f"{line.variant_id}:{line.quantity}" for line in lines)
    digest = hashlib.sha256("|".join([str(account_id), to_country, from_country, *parts]).encode()).hexdigest()
    return f"orders:quote:{digest[:32]}"


def shared_quote(key: str, ask: QuoteQuestion, *, sleep: Callable[[float], None] = time.sleep) -> list[ShippingQuote]:
    """The answer cached under `key`, or `ask()` called by exactly one caller at a time, its answer shared.

    Raises SupplierRateLimited or SupplierUnavailable (the asker's, or a recent one remembered) when the
    supplier cannot quote right now, and SupplierUnavailable when the asker takes longer than WAIT_SECONDS."""
    lock = f"{key}:asking"
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        cached = cache.get(key)
        if cached is not None:
            return _answer(cached)
        token = uuid.uuid4().hex
        if cache.add(lock, token, timeout=LOCK_SECONDS):
            try:
                return _ask_once(key, ask)
            finally:
                if cache.get(lock) == token:
                    cache.delete(lock)
        if time.monotonic() >= deadline:
            raise SupplierUnavailable(
                "CJ's shipping quote is taking long; the order is quoted again before it goes out"
            )
        sleep(POLL_SECONDS)


def _ask_once(key: str, ask: QuoteQuestion) -> list[ShippingQuote]:
    cached = cache.get(key)  # another asker may have answered between our read and our lock
    if cached is not None:
        return _answer(cached)
    try:
        quotes = sorted(ask(), key=lambda quote: quote.cost)
    except SupplierRateLimited as exc:
        cache.set(key, _refusal("rate_limited", exc, exc.retry_after), _refusal_seconds(exc.retry_after))
        raise
    except SupplierUnavailable as exc:
        cache.set(key, _refusal("unavailable", exc), REFUSAL_CACHE_SECONDS)
        raise
    cache.set(key, quotes, QUOTE_CACHE_SECONDS)
    return quotes


def _refusal(kind: str, exc: Exception, retry_after: float | None = None) -> dict[str, Any]:
    return {"refused": kind, "message": str(exc), "retry_after": retry_after}


def _refusal_seconds(retry_after: float | None) -> int:
    if not retry_after:
        return REFUSAL_CACHE_SECONDS
    return int(min(max(retry_after, 1), MAX_REFUSAL_CACHE_SECONDS))


def _answer(cached: Any) -> list[ShippingQuote]:
    """Cached quotes, or the remembered refusal raised again."""
    if isinstance(cached, dict) and "refused" in cached:
        if cached["refused"] == "rate_limited":
            raise SupplierRateLimited(cached["message"], retry_after=cached["retry_after"])
        raise SupplierUnavailable(cached["message"])
    return cached
