"""Notification fixtures: Celery tasks run in-process, on-commit callbacks run when the test says."""

from __future__ import annotations

import pytest


@pytest.fixture
def eager_tasks():
    from nexusone.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def committed(django_capture_on_commit_callbacks, eager_tasks):
    """Run a block as if its transaction committed: its on-commit callbacks (and their tasks) run after it."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
