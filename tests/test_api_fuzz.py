"""schemathesis over every operation of /api/schema (issue 15, item 4): no server error, every status
documented, every response in its published schema and error shape.

`make test` runs a few examples per operation (FUZZ_EXAMPLES, default 10); `make fuzz` runs many more.
Rate limits are off here: the fuzzer sends far more requests than a person would.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework_simplejwt.tokens import RefreshToken
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.page_walk import build_world

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def load_schema():
    from nexusone.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/schema?format=json", application)


schema = load_schema()


@pytest.fixture
def world(db, merchant, owner, fake_supplier, settings):
    settings.RATE_LIMITS_ENABLED = False
    # As Django's test client does: a request must not close the test's database connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield build_world(merchant, owner)
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_every_api_operation_answers_within_its_published_schema(case, world, owner):
    token = RefreshToken.for_user(owner).access_token
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


def test_the_schema_declares_bearer_jwt_and_extension_token_auth():
    published = schema.raw_schema
    schemes = published["components"]["securitySchemes"]
    products = published["paths"]["/api/dropshipping/products/"]["get"]

    assert schemes["jwtAuth"] == {**schemes["jwtAuth"], "type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    assert schemes["extensionToken"]["scheme"] == "bearer"
    assert {"jwtAuth": []} in products["security"]
    assert {"extensionToken": []} in products["security"]


@pytest.mark.parametrize(
    ("path", "method", "codes"),
    [
        ("/api/auth/token/", "post", {"400", "401", "413", "429"}),
        ("/api/auth/token/refresh/", "post", {"400", "401", "413", "429"}),
        ("/api/chrome-extension/me/", "get", {"401", "403", "429"}),
        ("/api/order-fulfillment/", "post", {"200", "201", "400", "401", "403", "404", "409", "413", "429"}),
        ("/api/products/import/", "post", {"202", "400", "401", "403", "409", "413", "429"}),
        ("/api/dropshipping/products/{id}/", "patch", {"200", "400", "401", "403", "404", "413", "429"}),
    ],
)
def test_the_schema_documents_the_statuses_an_operation_answers_with(path, method, codes):
    responses = schema.raw_schema["paths"][path][method]["responses"]

    assert codes <= set(responses), codes - set(responses)
