"""Logging filters: secrets (API keys, tokens) redacted from every record; housekeeping kept quiet."""

import logging
import re
from collections.abc import Iterable, Mapping

_PATTERNS = [
    re.compile(
        r"(?i)(CJ-Access-Token|accessToken|refreshToken|apiKey|api_key|password|Authorization)"
        r"([\"']?\s*[:=]\s*[\"']?(?:Bearer\s+)?)([^\"'\s,}&]+)"
    ),
    re.compile(r"CJ\d+@api@[0-9a-fA-F]{8,}"),
]


def redact(text: str) -> str:
    text = _PATTERNS[0].sub(lambda m: f"{m.group(1)}{m.group(2)}[REDACTED]", text)
    return _PATTERNS[1].sub("[REDACTED]", text)


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


# Celery's routine lines: a task received and succeeded (worker), a task sent on schedule (beat).
ROUTINE_MESSAGES = frozenset(
    {
        "Task %(name)s[%(id)s] received",
        "Task %(name)s[%(id)s] succeeded in %(runtime)ss: %(return_value)s",
        "Scheduler: Sending due task %s (%s)",
    }
)


def _task_name(record: logging.LogRecord) -> str | None:
    if isinstance(record.args, Mapping):  # the worker logs `fmt % context`
        return record.args.get("name")
    if isinstance(record.args, tuple) and len(record.args) == 2:  # beat logs (entry name, task name)
        return record.args[1]
    return None


class QuietHousekeepingFilter(logging.Filter):
    """Logs Celery's routine lines about housekeeping tasks (heartbeat, sweeps) at DEBUG.

    Attached to Celery's worker and beat loggers: every 30 seconds these lines would bury what
    matters. A housekeeping task's failure or retry, and every line about other tasks, stay as
    they are.
    """

    def __init__(self, tasks: Iterable[str] = ()) -> None:
        super().__init__()
        self.tasks = frozenset(tasks)

    def filter(self, record: logging.LogRecord) -> bool:
        routine = isinstance(record.msg, str) and record.msg in ROUTINE_MESSAGES
        if not routine or _task_name(record) not in self.tasks:
            return True
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)
