from __future__ import annotations

from django.conf import settings

from nexusone.core.redis_clients import redis_client


def test_every_caller_of_a_url_shares_one_client():
    assert redis_client(settings.REDIS_URL) is redis_client(settings.REDIS_URL)


def test_a_bounded_client_gives_up_after_its_timeout_and_the_plain_one_waits():
    bounded = redis_client(settings.REDIS_URL, timeout=2).connection_pool.connection_kwargs
    plain = redis_client(settings.REDIS_URL).connection_pool.connection_kwargs

    assert (bounded["socket_timeout"], bounded["socket_connect_timeout"]) == (2, 2)
    assert plain.get("socket_timeout") is None
