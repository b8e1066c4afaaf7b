"""Who a supplier call is for, so a daily points budget can keep a reserve for what cannot wait.

Background work (the inventory sync, webhook subscriptions) runs inside `spending(Purpose.BACKGROUND)`;
everything else (imports, shipping quotes, stock checks at order time, a merchant's own clicks) is
foreground and may use the reserve. The supplier client reads `current_purpose()` for each call.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from enum import StrEnum


class Purpose(StrEnum):
    FOREGROUND = "foreground"  # imports, quotes, order-time checks: may use the reserve
    BACKGROUND = "background"  # scheduled refreshes: stop where the reserve begins


_purpose: ContextVar[Purpose] = ContextVar("supplier_call_purpose", default=Purpose.FOREGROUND)


def current_purpose() -> Purpose:
    return _purpose.get()


@contextmanager
def spending(purpose: Purpose) -> Iterator[None]:
    """Supplier calls made inside the block are charged as `purpose`."""
    token = _purpose.set(purpose)
    try:
        yield
    finally:
        _purpose.reset(token)
