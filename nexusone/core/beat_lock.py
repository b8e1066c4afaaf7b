"""Celery beat runs exactly once per database: a Redis lock taken as beat starts and kept while it runs.

Beat's schedules live in the database (django-celery-beat), so a second beat on the same database would send
every periodic task twice. `celery -A nexusone beat` takes the lock in Celery's `beat_init` signal (before its
first tick); a beat that finds it taken exits with an error instead of ticking. The lock expires by itself
(LOCK_SECONDS) should its holder die without releasing it, so a restarted beat (or one on another host) takes
over within a minute; the holder renews it every RENEW_SECONDS, and stops ticking if it ever finds the lock
gone or someone else's (Redis restarted and another beat took it): its supervisor restarts it, and it starts
again only once it holds the lock.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any

from redis import Redis
from redis.exceptions import LockError, RedisError
from redis.lock import Lock

logger = logging.getLogger(__name__)

LOCK_SECONDS = 60.0
RENEW_SECONDS = 20.0


class BeatAlreadyRunning(SystemExit):
    """Another beat holds the lock: this one must not tick (SystemExit, so Celery does not swallow it)."""


def lock_key(database_name: str) -> str:
    return f"nexusone:celery-beat:{database_name}"


class BeatLock:
    """The lock one beat holds: take it once, keep it alive in a daemon thread, give it back at exit."""

    def __init__(self, client: Redis, key: str, *, seconds: float = LOCK_SECONDS, renew: float = RENEW_SECONDS):
        self.key = key
        self.renew_seconds = renew
        self.lock = Lock(client, key, timeout=seconds, blocking=False, thread_local=False)
        self._stopped = threading.Event()

    def acquire(self) -> bool:
        return bool(self.lock.acquire(blocking=False))

    def keep(self, on_lost: Callable[[], Any]) -> threading.Thread:
        """Renew the lock until release(); call `on_lost` (and stop renewing) if it is no longer ours."""

        def renew() -> None:
            while not self._stopped.wait(self.renew_seconds):
                try:
                    self.lock.reacquire()
                except (LockError, RedisError):
                    logger.critical("celery beat lost its lock %s; stopping so that beat runs only once", self.key)
                    self._stopped.set()
                    on_lost()

        thread = threading.Thread(target=renew, name="beat-lock", daemon=True)
        thread.start()
        return thread

    def release(self) -> None:
        self._stopped.set()
        with contextlib.suppress(LockError, RedisError):  # expired or taken over: nothing of ours to give back
            self.lock.release()


def hold_beat_lock(service: Any, *, redis_url: str, key: str, **timing: float) -> BeatLock | None:
    """Take the lock for the beat `service` (Celery's beat Service) or raise BeatAlreadyRunning.

    Without Redis (the single-process demo) nothing is enforced: there is no shared place to hold a lock."""
    if not redis_url:
        logger.warning("No REDIS_URL: nothing keeps a second celery beat from starting; run exactly one.")
        return None
    lock = BeatLock(Redis.from_url(redis_url), key, **timing)
    if not lock.acquire():
        raise BeatAlreadyRunning(
            f"Another celery beat holds {key}: periodic tasks must be sent once, so this beat exits. "
            f"If that beat is gone, its lock expires within {lock.lock.timeout:.0f} s."
        )
    lock.keep(on_lost=service.stop)
    atexit.register(lock.release)
    logger.info("celery beat holds %s", key)
    return lock
