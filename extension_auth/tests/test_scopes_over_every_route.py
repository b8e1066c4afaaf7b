"""Extension tokens over every API route the URL resolver knows, so a new route is covered the day it is added.

A valid token gets 403 `permission_denied` wherever its permissions do not reach; 401 is kept for tokens that
are expired, revoked or malformed (the extension reads 401 as "pair again").
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django.utils.regex_helper import normalize

from extension_auth import actions

from .conftest import extension_client

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")

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


def _walk(patterns, prefix: str = "") -> Iterator[tuple[str, object]]:
    for pattern in patterns:
        regex = prefix + pattern.pattern.regex.pattern.lstrip("^")
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, regex.removesuffix("$"))
        elif isinstance(pattern, URLPattern):
            yield regex, pattern.callback


def api_routes() -> list[tuple[str, object]]:
    """(route template, view) for every /api/ pattern, one template per pattern (the slash-less form)."""
    routes = {}
    for regex, callback in _walk(get_resolver().url_patterns):
        template, params = normalize(regex)[0]
        if not template.startswith("api/") or "format" in params:
            continue
        routes.setdefault(template.rstrip("/"), callback)
    return sorted(routes.items())


def reads_bearer_tokens(callback) -> bool:
    """DRF views that authenticate requests; CJ's webhook and the login endpoints read no bearer token."""
    view_class = getattr(callback, "cls", None)
    return view_class is not None and bool(view_class().get_authenticators())


def implements(callback, method: str) -> bool:
    view_class = callback.cls
    if hasattr(callback, "actions"):  # a ViewSet route maps methods to actions
        return method in callback.actions
    return method in view_class.http_method_names and hasattr(view_class, method)


ROUTES = [
    (template, method, implements(callback, method))
    for template, callback in api_routes()
    if reads_bearer_tokens(callback)
    for method in METHODS
]


def url_of(template: str) -> str:
    return "/" + re.sub(r"%\((\w+)\)s", lambda _: str(uuid.uuid4()), template)


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
