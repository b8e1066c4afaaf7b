import pytest
from django.core.cache import cache

from nexusone.core.tasks import BEAT_HEARTBEAT_KEY, heartbeat

pytestmark = pytest.mark.django_db


def test_liveness_touches_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health")
    assert response.status_code == 200
    assert client.get("/health/").status_code == 200


def _beat_and_worker_alive():
    from django.utils import timezone

    cache.set(BEAT_HEARTBEAT_KEY, timezone.now().timestamp())
    heartbeat()


def test_ready_is_200_when_everything_answers(client):
    _beat_and_worker_alive()
    response = client.get("/health/ready")
    body = response.json()
    assert response.status_code == 200, body
    assert {"database", "cache", "broker", "worker", "scheduler", "supplier"} <= set(body["checks"])
    assert all(check["ok"] for name, check in body["checks"].items() if check["required"])


def test_ready_is_503_without_a_worker_heartbeat(client):
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["ok"] is False


def test_ready_is_503_with_a_broken_cache(client, settings):
    _beat_and_worker_alive()
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"]["ok"] is False


def test_ready_is_503_with_a_broken_broker(client, settings):
    _beat_and_worker_alive()
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False
