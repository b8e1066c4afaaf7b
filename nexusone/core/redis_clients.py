"""Redis clients shared within a process: one per URL (and timeout), reused by every caller.

A client's connection pool keeps its connections between calls (a new client per call opened a TCP
connection each time) and opens fresh ones in a forked child: redis-py checks the process id before
handing out a connection, so a client built before a fork is safe after it.
"""

from __future__ import annotations

import functools

import redis


@functools.cache
def redis_client(url: str, *, timeout: float | None = None) -> redis.Redis:
    """The process's client for `url`; `timeout` (seconds) bounds connecting and each reply (None: no bound)."""
    if timeout is None:
        return redis.Redis.from_url(url)
    return redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
