"""Real threads for concurrency claims: each starts at the same barrier, on its own database connection."""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from typing import Any, NamedTuple

from django.db import connections

BARRIER_SECONDS = 60  # a thread that never reaches the barrier breaks it instead of hanging the suite


class Race(NamedTuple):
    results: list[Any]  # what each call returned, in the order the calls finished
    errors: list[BaseException]  # what the others raised


def run_together(count: int, call: Callable[[Any], Any], *, prepare: Callable[[int], Any] | None = None) -> Race:
    """Run `call` in `count` threads released at once; returns what they returned and what they raised.

    Thread `i` calls `call(i)`, or `call(prepare(i))` when something must be made before the start (a client,
    a row read). Every thread closes its database connections at the end."""
    barrier = threading.Barrier(count, timeout=BARRIER_SECONDS)
    results: list[Any] = []
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            argument = prepare(index) if prepare is not None else index
            barrier.wait()
            results.append(call(argument))
        except BaseException as exc:  # noqa: BLE001 - collected for the test to assert on
            errors.append(exc)
        finally:
            connections.close_all()

    # Each thread starts in the caller's context (the current merchant, a bypass), as a copy.
    threads = [threading.Thread(target=contextvars.copy_context().run, args=(run, index)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Race(results, errors)
