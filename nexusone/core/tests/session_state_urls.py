"""Two views for the pooled-connection tests: one leaves session state behind, one reads it back."""

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import path

STATE_SQL = """
    SELECT pg_backend_pid(), current_setting('TimeZone'), current_setting('statement_timeout'),
           current_setting('nexusone.merchant_id', true),
           (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid())
"""


def _state() -> dict:
    with connection.cursor() as cursor:
        cursor.execute(STATE_SQL)
        pid, time_zone, statement_timeout, merchant_id, advisory_locks = cursor.fetchone()
    return {
        "pid": pid,
        "time_zone": time_zone,
        "statement_timeout": statement_timeout,
        "merchant_id": merchant_id or "",
        "advisory_locks": advisory_locks,
    }


def leave_state(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'Asia/Tokyo'")
        cursor.execute("SET statement_timeout = '4321ms'")
        cursor.execute("SELECT set_config('nexusone.merchant_id', 'merchant-of-the-last-request', false)")
        cursor.execute("SELECT pg_advisory_lock(20261205)")
    return JsonResponse(_state())


def read_state(request: HttpRequest) -> JsonResponse:
    return JsonResponse(_state())


urlpatterns = [path("leave-state", leave_state), path("read-state", read_state)]
