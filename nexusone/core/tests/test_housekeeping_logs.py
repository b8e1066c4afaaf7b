"""The console shows what matters: beat's heartbeat and sweeps log at DEBUG, failures and other tasks stay.

Records go through Celery's own loggers, with the filters settings.LOGGING attaches to them.
"""

from __future__ import annotations

import logging

import pytest
from celery.app import trace
from celery.signals import setup_logging
from django.conf import settings

from nexusone.celery import app
from nexusone.core.tasks import HEARTBEAT_TASK
from orders.tasks import SWEEP_SUBMISSIONS_TASK

IMPORT_TASK = "imports.run_import_job"


def _worker_receives(task: str) -> None:
    context = {"id": "9f1c", "name": task, "args": "()", "kwargs": "{}", "eta": None}
    logging.getLogger("celery.worker.strategy").info(trace.LOG_RECEIVED, context, extra={"data": context})


def _task_succeeds(task: str) -> None:
    trace.info(trace.LOG_SUCCESS, {"id": "9f1c", "name": task, "return_value": 0, "runtime": 0.01})


def _task_fails(task: str) -> None:
    context = {"id": "9f1c", "name": task, "description": "raised unexpected", "exc": "OperationalError()"}
    logging.getLogger("celery.app.trace").error(trace.LOG_FAILURE, context, extra={"data": context})


def _beat_sends(entry: str, task: str) -> None:
    logging.getLogger("celery.beat").info("Scheduler: Sending due task %s (%s)", entry, task)


def _lines(caplog) -> list[tuple[str, str]]:
    return [(record.levelname, record.getMessage()) for record in caplog.records]


@pytest.mark.parametrize("task", [HEARTBEAT_TASK, SWEEP_SUBMISSIONS_TASK])
def test_housekeeping_tasks_received_succeeded_and_sent_by_beat_stay_off_an_info_console(caplog, task):
    caplog.set_level(logging.INFO)

    _beat_sends("health heartbeat", task)
    _worker_receives(task)
    _task_succeeds(task)

    assert _lines(caplog) == []


def test_at_debug_the_housekeeping_lines_show_marked_as_debug(caplog):
    caplog.set_level(logging.DEBUG)

    _beat_sends("health heartbeat", HEARTBEAT_TASK)
    _task_succeeds(HEARTBEAT_TASK)

    assert _lines(caplog) == [
        ("DEBUG", f"Scheduler: Sending due task health heartbeat ({HEARTBEAT_TASK})"),
        ("DEBUG", f"Task {HEARTBEAT_TASK}[9f1c] succeeded in 0.01s: 0"),
    ]


def test_a_failing_housekeeping_task_is_still_logged_as_an_error(caplog):
    caplog.set_level(logging.INFO)

    _task_fails(SWEEP_SUBMISSIONS_TASK)

    assert _lines(caplog) == [
        ("ERROR", f"Task {SWEEP_SUBMISSIONS_TASK}[9f1c] raised unexpected: OperationalError()"),
    ]


def test_business_tasks_stay_visible_at_info(caplog):
    caplog.set_level(logging.INFO)

    _beat_sends("inventory sync: Acme Goods", "inventory.scheduled_sync")
    _worker_receives(IMPORT_TASK)
    _task_succeeds(IMPORT_TASK)

    assert _lines(caplog) == [
        ("INFO", "Scheduler: Sending due task inventory sync: Acme Goods (inventory.scheduled_sync)"),
        ("INFO", f"Task {IMPORT_TASK}[9f1c] received"),
        ("INFO", f"Task {IMPORT_TASK}[9f1c] succeeded in 0.01s: 0"),
    ]


def test_every_housekeeping_task_named_in_settings_is_a_registered_task():
    app.loader.import_default_modules()

    assert set(settings.HOUSEKEEPING_TASKS) <= set(app.tasks)


def test_worker_and_beat_keep_the_logging_settings_instead_of_celerys_own():
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    app.log.already_setup = False
    try:
        app.log.setup_logging_subsystem(loglevel="INFO")
        ours = [h for h in root.handlers if any(type(f).__name__ == "RedactSecretsFilter" for f in h.filters)]
        quiet = [type(f).__name__ for f in logging.getLogger("celery.app.trace").filters]
    finally:
        root.handlers[:], app.log.already_setup = handlers, False
        root.setLevel(level)

    assert setup_logging.receivers
    assert ours, "Celery replaced the console handler of settings.LOGGING"
    assert "QuietHousekeepingFilter" in quiet
