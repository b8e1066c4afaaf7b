"""Django's PostgreSQL connection pool: on by default, and nothing of one request reaches the next."""

from __future__ import annotations

import pytest
import requests
from django.db import connection

from nexusone.core.dbpool import TIMEZONE_OPTION, ConnectionPolicy, configure_postgresql

POSTGRESQL = {"ENGINE": "django.db.backends.postgresql", "NAME": "nexusone", "CONN_MAX_AGE": 0}


@pytest.mark.django_db
def test_postgresql_connections_come_from_a_pool_and_are_not_kept_by_requests():
    connection.ensure_connection()

    assert connection.pool is not None
    assert connection.settings_dict["CONN_MAX_AGE"] == 0


@pytest.mark.django_db
def test_a_new_connection_already_speaks_utc_so_django_sends_no_set_time_zone():
    connection.ensure_connection()

    # Django sends SET TIME ZONE only when the server reports another zone than its own (UTC).
    assert connection.connection.info.parameter_status("TimeZone") == connection.timezone_name


@pytest.fixture
def single_connection_pool(monkeypatch):
    """A pool of one connection, so consecutive requests are bound to share it."""
    options = connection.settings_dict["OPTIONS"]
    monkeypatch.setitem(options, "pool", {**options["pool"], "min_size": 1, "max_size": 1})
    connection.close()
    connection.close_pool()
    yield
    connection.close()
    connection.close_pool()


@pytest.mark.urls("nexusone.core.tests.session_state_urls")
@pytest.mark.django_db(transaction=True)
def test_nothing_one_request_sets_on_its_connection_is_seen_by_the_next(live_server, single_connection_pool):
    left = requests.get(f"{live_server.url}/leave-state", timeout=10).json()
    assert (left["time_zone"], left["statement_timeout"], left["advisory_locks"]) == ("Asia/Tokyo", "4321ms", 1)

    seen = requests.get(f"{live_server.url}/read-state", timeout=10).json()

    assert seen["pid"] == left["pid"]  # the same pooled connection
    assert seen == {
        "pid": left["pid"],
        "time_zone": "UTC",
        "statement_timeout": "0",
        "merchant_id": "",
        "advisory_locks": 0,
    }


def test_the_pool_is_the_default_with_the_sizes_asked_for():
    database = configure_postgresql(dict(POSTGRESQL), ConnectionPolicy(min_size=2, max_size=6, timeout=5))

    assert database["CONN_MAX_AGE"] == 0
    assert {k: v for k, v in database["OPTIONS"]["pool"].items() if k != "reset"} == {
        "min_size": 2,
        "max_size": 6,
        "timeout": 5,
    }
    assert database["OPTIONS"]["options"] == TIMEZONE_OPTION


def test_startup_options_from_the_database_url_are_kept_beside_the_time_zone():
    database = configure_postgresql({**POSTGRESQL, "OPTIONS": {"options": "-c search_path=shop"}}, ConnectionPolicy())

    assert database["OPTIONS"]["options"] == "-c search_path=shop -c timezone=UTC"


def test_without_the_pool_the_configured_connection_age_stands():
    database = configure_postgresql({**POSTGRESQL, "CONN_MAX_AGE": 60}, ConnectionPolicy(pool=False))

    assert "pool" not in database["OPTIONS"]
    assert database["CONN_MAX_AGE"] == 60


def test_behind_pgbouncer_nothing_outlives_a_transaction():
    database = configure_postgresql(dict(POSTGRESQL), ConnectionPolicy(pgbouncer=True))

    assert database["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert database["OPTIONS"]["prepare_threshold"] is None
    assert "options" not in database["OPTIONS"]  # PgBouncer refuses unknown startup parameters


def test_sqlite_is_left_alone():
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": "demo.sqlite3"}

    assert configure_postgresql(dict(sqlite), ConnectionPolicy()) == sqlite
