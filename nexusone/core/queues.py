"""What waits in the Celery queue, read without consuming it (for the sync health panel).

Celery's messages carry no time of sending, so every published task is stamped with one
(`QUEUED_AT_HEADER`, seconds since the epoch) by a `before_task_publish` hook: beat, web and worker
processes all load Django, so every sync task is stamped wherever it is sent from.

The broker is Redis in production and tests: kombu LPUSHes each message on a list named after the queue
(and on `<queue>\\x06\\x16<priority>` lists for prioritised messages) and workers pop from the other end,
so the oldest waiting messages are the list's tail, read with LRANGE. The demo's file broker keeps one
file per message (`<millis>_<uuid>.<queue>.msg`); its modification time stands in for a missing stamp.
Any other broker (memory, AMQP) is reported as not readable rather than guessed at.
"""

from __future__ import annotations

import base64
import json
import logging
import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from celery.signals import before_task_publish
from django.conf import settings
from redis.exceptions import RedisError

from .redis_clients import redis_client

logger = logging.getLogger(__name__)

QUEUED_AT_HEADER = "nexusone_queued_at"
PEEK_LIMIT = 1000  # the oldest messages looked at: enough to find the oldest sync task of every store
BROKER_TIMEOUT = 2.0  # seconds: a slow broker leaves the panel unread rather than waiting
_PRIORITY_SEPARATOR = "\x06\x16"
_PRIORITY_STEPS = (3, 6, 9)  # kombu's default steps above 0 (priority 0 is the plain list)


@dataclass(frozen=True)
class WaitingTask:
    task: str
    args: tuple[Any, ...]
    queued_at: datetime | None


@dataclass(frozen=True)
class QueuePeek:
    """The waiting messages of the asked-for tasks, oldest first; `readable` False when the broker cannot be read."""

    readable: bool
    tasks: tuple[WaitingTask, ...] = ()
    note: str = ""


@before_task_publish.connect
def stamp_queued_at(headers: dict[str, Any] | None = None, **_: Any) -> None:
    """Every message says when it was sent (Celery's protocol 2 keeps extra headers on the message)."""
    if headers is not None:
        headers.setdefault(QUEUED_AT_HEADER, time.time())


def peek_queue(task_names: Collection[str], *, queue: str | None = None, limit: int = PEEK_LIMIT) -> QueuePeek:
    """The waiting messages of `task_names` in `queue` (the default queue when None), oldest first."""
    from nexusone.celery import app

    url = str(settings.CELERY_BROKER_URL or "")  # what the app was configured with (Celery's own copy reads the env)
    queue = queue or app.conf.task_default_queue
    try:
        if url.startswith(("redis://", "rediss://", "unix://")):
            raw = _redis_messages(url, queue, limit)
        elif url.startswith("filesystem://"):
            raw = _file_messages(settings.CELERY_BROKER_TRANSPORT_OPTIONS or {}, queue, limit)
        else:
            return QueuePeek(readable=False, note=f"the {url.split(':', 1)[0] or 'configured'} broker is not read")
    except (RedisError, OSError, ValueError) as exc:  # Redis down or slow, a folder gone, a bad URL
        logger.warning("Could not read the Celery queue %r: %s", queue, exc)
        return QueuePeek(readable=False, note="the queue could not be read")
    tasks = [task for task in (_parse(body, fallback, task_names) for body, fallback in raw) if task is not None]
    tasks.sort(key=lambda task: task.queued_at or datetime.max.replace(tzinfo=UTC))
    return QueuePeek(readable=True, tasks=tuple(tasks))


# --- brokers ---------------------------------------------------------------------------------------------------


def _redis_messages(url: str, queue: str, limit: int) -> list[tuple[bytes, datetime | None]]:
    """The oldest `limit` messages of the queue's lists (the tail: workers pop from the right)."""
    keys = [queue, *(f"{queue}{_PRIORITY_SEPARATOR}{step}" for step in _PRIORITY_STEPS)]
    pipe = redis_client(url, timeout=BROKER_TIMEOUT).pipeline(transaction=False)
    for key in keys:
        pipe.lrange(key, -limit, -1)
    return [(body, None) for bodies in pipe.execute() for body in bodies]


def _file_messages(options: dict[str, Any], queue: str, limit: int) -> list[tuple[bytes, datetime | None]]:
    folder = Path(options.get("data_folder_in") or ".")
    files = sorted(folder.glob(f"*.{queue}.msg"))[:limit]
    found = []
    for path in files:
        try:
            found.append((path.read_bytes(), datetime.fromtimestamp(path.stat().st_mtime, UTC)))
        except FileNotFoundError:  # a worker took it meanwhile
            continue
    return found


# --- messages --------------------------------------------------------------------------------------------------


def _parse(raw: bytes, fallback: datetime | None, task_names: Collection[str]) -> WaitingTask | None:
    """The message as a WaitingTask when it is one of `task_names` (other bodies are not decoded)."""
    try:
        message = json.loads(raw)
        headers = message.get("headers") or {}
        if headers.get("task") not in task_names:
            return None
        stamp = headers.get(QUEUED_AT_HEADER)
        queued_at = datetime.fromtimestamp(float(stamp), UTC) if stamp is not None else fallback
        return WaitingTask(task=str(headers.get("task", "")), args=_args(message), queued_at=queued_at)
    except (ValueError, TypeError, AttributeError):
        return None  # not a Celery JSON message: not ours to read


def _args(message: dict[str, Any]) -> tuple[Any, ...]:
    """Positional arguments of a protocol-2 JSON body ([args, kwargs, embed]); () when unreadable."""
    body = message.get("body")
    if (message.get("properties") or {}).get("body_encoding") == "base64":
        body = base64.b64decode(body)
    if "json" not in str(message.get("content-type", "")):
        return ()
    decoded = json.loads(body)
    return tuple(decoded[0]) if isinstance(decoded, list) and decoded and isinstance(decoded[0], list) else ()
