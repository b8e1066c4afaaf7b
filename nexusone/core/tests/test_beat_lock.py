import time
import uuid

import pytest
from celery.signals import beat_init
from django.conf import settings
from redis import Redis

from nexusone.core.beat_lock import BeatAlreadyRunning, hold_beat_lock, lock_key


class FakeBeatService:
    """What the lock needs of Celery's beat Service: stop()."""

    def __init__(self) -> None:
        self.stopped = False

    def stop(self, wait: bool = False) -> None:
        self.stopped = True


@pytest.fixture
def key():
    name = f"test-beat-{uuid.uuid4().hex}"
    yield name
    Redis.from_url(settings.REDIS_URL).delete(name)


def test_a_second_beat_refuses_to_start_until_the_first_lets_go(key):
    first = hold_beat_lock(FakeBeatService(), redis_url=settings.REDIS_URL, key=key)

    with pytest.raises(BeatAlreadyRunning, match="exits"):
        hold_beat_lock(FakeBeatService(), redis_url=settings.REDIS_URL, key=key)

    first.release()
    assert hold_beat_lock(FakeBeatService(), redis_url=settings.REDIS_URL, key=key) is not None


def test_a_running_beat_keeps_its_lock_past_the_lock_time(key):
    service = FakeBeatService()
    hold_beat_lock(service, redis_url=settings.REDIS_URL, key=key, seconds=1.0, renew=0.2)

    time.sleep(1.5)

    with pytest.raises(BeatAlreadyRunning):
        hold_beat_lock(FakeBeatService(), redis_url=settings.REDIS_URL, key=key)
    assert not service.stopped


def test_a_beat_whose_lock_is_taken_over_stops_ticking(key):
    service = FakeBeatService()
    hold_beat_lock(service, redis_url=settings.REDIS_URL, key=key, seconds=5.0, renew=0.1)

    Redis.from_url(settings.REDIS_URL).set(key, "another beat")  # e.g. Redis restarted and another beat took it
    deadline = time.monotonic() + 3
    while not service.stopped and time.monotonic() < deadline:
        time.sleep(0.05)

    assert service.stopped


def test_celery_beat_takes_the_lock_as_it_starts(monkeypatch):
    database_key = lock_key(settings.DATABASES["default"]["NAME"])
    client = Redis.from_url(settings.REDIS_URL)
    client.set(database_key, "a beat already running", px=5000)
    try:
        with pytest.raises(BeatAlreadyRunning):
            beat_init.send(sender=FakeBeatService())
    finally:
        client.delete(database_key)


@pytest.mark.django_db(transaction=True)
def test_a_second_celery_beat_process_exits_while_the_first_keeps_ticking(tmp_path):
    import os
    import subprocess
    import sys

    from django.db import connection

    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DB_POOL": "false"}

    def beat(name: str) -> subprocess.Popen:
        command = [sys.executable, "-m", "celery", "-A", "nexusone", "beat", "--loglevel=INFO"]
        command += ["--pidfile=", f"--schedule={tmp_path / name}"]
        return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    client = Redis.from_url(settings.REDIS_URL)
    key = lock_key(database["NAME"])
    first = beat("first")
    try:
        deadline = time.monotonic() + 60
        while not client.exists(key) and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert client.exists(key), "the first beat never took the lock"

        second = beat("second")
        output, _ = second.communicate(timeout=60)

        assert second.returncode != 0
        assert "Another celery beat holds" in output
        assert first.poll() is None  # the first one still runs
    finally:
        first.terminate()
        first.communicate(timeout=30)
        client.delete(key)
