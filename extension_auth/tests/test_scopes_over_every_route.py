"""Extension tokens over every API route the URL resolver knows, so a new route is covered the day it is added.

A valid token gets 403 `permission_denied` wherever its permissions do not reach; 401 is kept for tokens that
are expired, revoked or malformed (the extension reads 401 as "pair again").
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from extension_auth import actions
from tests.api_walk import METHODS, api_routes, implements, reads_bearer_tokens, url_of

from .conftest import extension_client

pytestmark = pytest.mark.django_db

# The contract: what an extension token with both permissions may call. Everything else is 403.
REACHABLE = {
    ("api/dropshipping/products", "get"),
    ("api/dropshipping/products/%(pk)s", "get"),
    ("api/dropshipping/products/lookup", "get"),
    ("api/products/import", "post"),
    ("api/products/import/%(pk)s", "get"),
    ("api/products/imports", "get"),
    ("api/chrome-extension/me", "get"),
}
# Views whose every method the `import` permission covers: a method they lack is refused as such (405).
IMPORT_VIEWS = {"api/products/import", "api/products/import/%(pk)s", "api/products/imports"}


ROUTES = [
    (template, method, implements(callback, method))
    for template, callback in api_routes()
    if reads_bearer_tokens(callback)
    for method in METHODS
]


def call(client, method: str, url: str):
    return getattr(client, method)(url, {}, format="json") if method != "get" else client.get(url)


def test_the_walk_finds_the_routes_that_matter():
    templates = {template for template, _, _ in ROUTES}
    assert {"api/dropshipping/orders", "api/merchant", "api/chrome-extension/sessions", "api/inventory/sync"} <= (
        templates
    )
    assert {template for template, _ in REACHABLE} <= templates


@pytest.mark.parametrize(("template", "method", "implemented"), ROUTES)
def test_a_valid_extension_token_gets_403_wherever_its_permissions_do_not_reach(ext, template, method, implemented):
    response = call(ext, method, url_of(template))
    if (template, method) in REACHABLE:
        assert response.status_code not in (401, 403), response.content
        return
    # A method an import view lacks is refused as such (405); everything else out of scope is 403, never 401.
    expected = 405 if not implemented and template in IMPORT_VIEWS else 403
    assert response.status_code == expected, response.content
    if response.status_code == 403:  # data, not json(): the schema views render errors in their own format
        assert response.data["errors"][0]["code"] == "permission_denied"


@pytest.fixture
def bad_tokens(premium, owner) -> dict[str, str]:
    revoked, revoked_token = actions.create_session(owner, premium)
    actions.revoke_session(revoked, by=owner)
    _, expiring_token = actions.create_session(owner, premium, ttl_hours=1)
    return {"revoked": revoked_token, "expiring": expiring_token, "malformed": revoked_token[:-6] + "xxxxxx"}


@pytest.mark.parametrize("kind", ["revoked", "expiring", "malformed"])
def test_only_an_expired_revoked_or_malformed_token_gets_401_on_every_route(bad_tokens, kind):
    client = extension_client(bad_tokens[kind])
    with time_machine.travel(timezone.now() + timedelta(hours=2), tick=False):
        for template, method, _ in ROUTES:
            response = call(client, method, url_of(template))
            assert response.status_code == 401, (template, method, response.content)
