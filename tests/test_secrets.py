"""Secrets (CJ API key, CJ access and refresh tokens, the CJ open id that signs webhooks) are ciphertext
at rest and absent from the audit trail, logs, admin pages, error reports and Celery arguments
(issue 15, item 5). Rotation: nexusone/accounts/tests/test_encrypted_fields.py."""

from __future__ import annotations

import inspect
import logging
import re

import pytest
from django.core.signals import got_request_exception
from django.db import connection
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from nexusone.suppliers.models import SupplierAccount

pytestmark = pytest.mark.django_db

CONNECT = "/settings/cj/connect/"
API_KEY = "sandbox-key"
SECRET_FIELDS = ["api_key", "access_token", "refresh_token", "open_id"]


@pytest.fixture
def connected(owner_client, merchant, cj_sandbox) -> SupplierAccount:
    owner_client.post(CONNECT, {"api_key": API_KEY})
    account = SupplierAccount.objects.get(merchant=merchant)
    assert account.access_token, "the sandbox connection failed"
    return account


def secrets_of(account: SupplierAccount) -> list[str]:
    return [getattr(account, name) for name in SECRET_FIELDS]


def test_every_secret_is_ciphertext_in_the_database(connected):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(SECRET_FIELDS)} FROM {SupplierAccount._meta.db_table} WHERE id = %s", [connected.pk]
        )
        stored = cursor.fetchone()

    for name, secret, raw in zip(SECRET_FIELDS, secrets_of(connected), stored, strict=True):
        assert raw, f"{name} is empty"
        assert secret not in raw, f"{name} is stored in clear"


def test_connecting_cj_keeps_every_secret_out_of_the_audit_trail(connected):
    from auditlog.models import LogEntry

    from nexusone.core.models import AuditEvent

    trail = [str(entry.changes) for entry in LogEntry.objects.all()]
    trail += [
        f"{event.data} {event.target_repr if hasattr(event, 'target_repr') else ''}"
        for event in AuditEvent.objects.all()
    ]
    text = "\n".join(trail)

    assert AuditEvent.objects.filter(action="supplier.connected").exists()
    for secret in secrets_of(connected):
        assert secret not in text


def test_connecting_cj_logs_no_secret(owner_client, merchant, cj_sandbox, caplog):
    with caplog.at_level(logging.DEBUG):
        owner_client.post(CONNECT, {"api_key": API_KEY})
    account = SupplierAccount.objects.get(merchant=merchant)

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert logged, "nothing was logged, so this proves nothing"
    for secret in secrets_of(account):
        assert secret not in logged


def test_the_admin_shows_no_secret_of_a_connected_account(connected, admin_client):
    pages = admin_client.get(f"/admin/suppliers/supplieraccount/{connected.pk}/change/").content.decode()
    pages += admin_client.get("/admin/suppliers/supplieraccount/").content.decode()

    for secret in secrets_of(connected):
        assert secret not in pages


def test_an_error_report_on_the_cj_connect_form_hides_the_key(owner_client, merchant, monkeypatch):
    from nexusone.suppliers import actions

    def fail(*args, **kwargs):
        raise RuntimeError("CJ client bug")

    monkeypatch.setattr(actions, "connect_account", fail)
    seen = []
    got_request_exception.connect(lambda sender, request, **kw: seen.append(request), weak=False, dispatch_uid="t")
    owner_client.raise_request_exception = False
    try:
        response = owner_client.post(CONNECT, {"api_key": "CJ1234567@api@f00dcafe"})
    finally:
        got_request_exception.disconnect(dispatch_uid="t")

    request = seen[0]
    report = ExceptionReporter(request, RuntimeError, RuntimeError("CJ client bug"), None).get_traceback_text()
    assert response.status_code == 500
    assert b"f00dcafe" not in response.content
    assert SafeExceptionReporterFilter().get_post_parameters(request)["api_key"] != "CJ1234567@api@f00dcafe"
    assert "f00dcafe" not in report


SECRET_NAME = re.compile(r"(key|token|secret|password)", re.IGNORECASE)


def test_no_celery_task_takes_a_secret_as_an_argument():
    from nexusone.celery import app

    app.loader.import_default_modules()
    ours = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    offending = {
        name: parameter
        for name, task in ours.items()
        for parameter in inspect.signature(task.run).parameters
        if SECRET_NAME.search(parameter) and not parameter.endswith("_id")
    }

    assert len(ours) > 5, "the walk found no tasks"
    assert not offending, f"tasks take secrets as arguments (pass an id and read the row): {offending}"
