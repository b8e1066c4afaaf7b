"""Tuning of a serving process once it has started (a gunicorn worker, a benchmark's forked process)."""

from __future__ import annotations

import gc
import os


def settle_worker() -> None:
    """Call once a worker has imported the app, before it serves.

    gc.freeze() moves everything alive after start-up (modules, classes, URL and serializer caches) out of the
    collector's reach: the collections a request triggers stop walking those objects. WORKER_GC_FREEZE=0 turns it
    off (to compare)."""
    if os.environ.get("WORKER_GC_FREEZE", "1") != "0":
        gc.collect()
        gc.freeze()
