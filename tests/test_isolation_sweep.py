"""Tenant isolation over every route the URL resolver knows (issue 15, Tests, first bullet).

A first store's owner asks every API route and every page for a second store's objects: the answer is
404 or a list that does not show them. A new route fails `test_every_route_is_swept` until it is
listed below, with the object it reads or the reason it reads none.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from django.urls import reverse

from tests.api_walk import api_routes, implements, reads_bearer_tokens, url_of
from tests.page_walk import NOT_PAGES, PAGES, PageWorld, build_world, html_routes

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


def change(world: PageWorld):
    return world.sync_run.changes.first()


def products(world: PageWorld):
    from inventory.models import Product

    return Product.objects.for_merchant(world.merchant).order_by("created_at")


def product(world: PageWorld):
    return products(world).first()


# API routes with an id in the path → the other store's object of that kind.
API_OBJECTS: dict[str, Callable[[PageWorld], object]] = {
    "api/dropshipping/products/%(pk)s": product,
    "api/dropshipping/orders/%(pk)s": lambda w: w.order,
    "api/order-tracking/%(pk)s": lambda w: w.order,
    "api/products/import/%(pk)s": lambda w: w.import_job,
    "api/inventory/sync/%(pk)s": lambda w: w.sync_run,
    "api/inventory/changes/%(pk)s/approve": change,
    "api/inventory/changes/%(pk)s/reject": change,
    "api/chrome-extension/sessions/%(pk)s": lambda w: w.extras["session"],
    "api/notifications/%(pk)s/read": lambda w: w.extras["notification"],
    "api/webhook-endpoints/%(pk)s": lambda w: w.extras["webhook_endpoint"],
    "api/webhook-endpoints/%(pk)s/deliveries": lambda w: w.extras["webhook_endpoint"],
    "api/webhook-deliveries/%(pk)s/redeliver": lambda w: w.extras["webhook_endpoint"].deliveries.get(),
}

# API writes without an id in the path that name an object in their body → (that object, the body naming it).
API_BODIES: dict[tuple[str, str], tuple[Callable[[PageWorld], object], Callable[[str], dict]]] = {
    ("api/order-fulfillment", "post"): (lambda w: w.order, lambda pk: {"action": "cancel", "order_id": pk}),
    ("api/inventory/sync", "post"): (product, lambda pk: {"product_ids": [pk]}),
}

# API writes that name no object of another store, and why.
API_OWN_ONLY: dict[tuple[str, str], str] = {
    ("api/products/import", "post"): "imports from CJ into the caller's store",
    ("api/inventory/pricing/apply", "post"): "reprices the caller's own products",
    ("api/inventory/pricing/preview", "post"): "previews the caller's own products",
    ("api/inventory/settings", "put"): "the caller's own settings",
    ("api/inventory/settings", "patch"): "the caller's own settings",
    ("api/merchant", "patch"): "the caller's own store",
    ("api/chrome-extension/generate-token", "post"): "a session for the caller",
    ("api/notifications/read-all", "post"): "the caller's own notifications",
    ("api/merchant/plan", "post"): "the caller's own store's plan",
    ("api/webhook-endpoints", "post"): "an endpoint for the caller's own store",
    ("api/analytics/events", "post"): "the caller's products only (another store's product: 400, analytics tests)",
    ("api/notifications/preferences", "put"): "the caller's own preferences",
    ("api/merchant/export", "post"): "exports the caller's own store",
    (
        "api/customers/erase",
        "post",
    ): "a customer of the caller's own store (another store's orders stay: accounts tests)",
}

# Pages and POST-only routes → the other store's object in their arguments.
HTML_ARGS: dict[str, Callable[[PageWorld], list]] = {
    "notifications:redeliver": lambda w: [w.extras["webhook_endpoint"].deliveries.get().pk],
    "accounts:member_update": lambda w: [w.merchant.memberships.get().pk],
    "inventory:change_decide": lambda w: [change(w).pk, "approve"],
    "inventory:product_price": lambda w: [product(w).pk],
    "orders:action": lambda w: [w.order.pk, "cancel"],
    "extension_auth:revoke": lambda w: [w.extras["session"].pk],
    "notifications:read": lambda w: [w.extras["notification"].pk],
}
HTML_POST_BODIES: dict[str, Callable[[PageWorld], dict]] = {
    "accounts:switch_merchant": lambda w: {"merchant_id": str(w.merchant.pk)},
    "inventory:bulk": lambda w: {"action": "deactivate", "selected": [str(product(w).pk)]},
}
HTML_OWN_ONLY: dict[str, str] = {
    "notifications:badge": "the caller's own unread count",
    "analytics:rate": "a signed link for one order (analytics tests: never across stores)",
    "accounts:manage_billing": "the caller's own store's billing",
    "accounts:exports": "the caller's own store's exports (another's export id: 404 in accounts tests)",
    "accounts:erase_customer": "a customer of the caller's own store (accounts tests: another store untouched)",
    "accounts:delete_store": "the caller's own store",
    "accounts:invitation_update": "the caller's store's invitations (another store's: 404 in accounts tests)",
    "accounts:resend_verification": "the caller's own address",
    "accounts:verify_email": "a signed link for one user (accounts tests: wrong store or user opens nothing)",
    "health": "no store data",
    "health_ready": "no store data",
    "event_stream": "the caller's store's events (tests/core streams)",
    "accounts:logout": "the caller's own session",
    "accounts:member_add": "adds to the caller's store",
    "suppliers:connect_cj": "the caller's own CJ connection",
    "suppliers:check_cj": "the caller's own CJ connection",
    "suppliers:disconnect_cj": "the caller's own CJ connection",
    "inventory:sync_start": "syncs the caller's store",
    "extension_auth:revoke_all": "the caller's own sessions",
    "notifications:read_all": "the caller's own notifications",
    "extension_auth:download": "a file, the same for everyone",
}


def error_codes(response) -> list[tuple[str, str | None]]:
    return [(error["code"], error["attr"]) for error in response.json()["errors"]]


def api_cases() -> list[tuple[str, str]]:
    return [
        (template, method)
        for template, callback in api_routes()
        if reads_bearer_tokens(callback)
        for method in METHODS
        if implements(callback, method)
    ]


def test_every_route_is_swept():
    unswept_api = {
        (template, method)
        for template, method in api_cases()
        if template not in API_OBJECTS
        and method != "get"
        and (template, method) not in API_BODIES
        and (template, method) not in API_OWN_ONLY
    }
    unswept_html = set(html_routes()) - set(PAGES) - set(HTML_ARGS) - set(HTML_POST_BODIES) - set(HTML_OWN_ONLY)

    named = set(PAGES) | set(HTML_ARGS) | set(HTML_POST_BODIES) | set(HTML_OWN_ONLY)
    stale = named - set(html_routes())
    stale |= {template for template in API_OBJECTS} - {template for template, _ in api_cases()}

    assert not unswept_api, f"New API routes: say in tests/test_isolation_sweep.py what they read: {unswept_api}"
    assert not unswept_html, f"New pages: say in tests/test_isolation_sweep.py what they read: {unswept_html}"
    assert not stale, f"tests/test_isolation_sweep.py names routes that no longer exist: {stale}"


@pytest.fixture
def worlds(merchant, owner, other_merchant, other_owner, fake_supplier) -> tuple[PageWorld, PageWorld]:
    return build_world(merchant, owner), build_world(other_merchant, other_owner)


def foreign_ids(world: PageWorld) -> list[str]:
    ids = [world.order.pk, world.import_job.pk, world.sync_run.pk, world.extras["session"].pk]
    ids += [world.extras["notification"].pk, *products(world).values_list("pk", flat=True)]
    ids += [change(world).pk]
    return [str(pk) for pk in ids]


def assert_nothing_of(response, other: PageWorld, where: str) -> None:
    body = response.content.decode()
    leaked = [pk for pk in foreign_ids(other) if pk in body]
    assert not leaked, f"{where} shows the other store's objects {leaked}"


def test_the_api_answers_404_or_an_empty_list_for_another_stores_objects(api, worlds):
    _, other = worlds
    api.raise_request_exception = False

    for template, method in api_cases():
        where = f"{method.upper()} /{template}"
        if template in API_OBJECTS:
            response = getattr(api, method)(url_of(template, API_OBJECTS[template](other).pk), {}, format="json")
            assert response.status_code == 404, (where, response.status_code, response.content)
        elif method == "get":
            response = api.get(url_of(template))
            assert response.status_code < 500, (where, response.content)
            assert_nothing_of(response, other, where)
        elif (template, method) in API_BODIES:
            target, body = API_BODIES[template, method]
            response = getattr(api, method)(url_of(template), body(str(target(other).pk)), format="json")
            nowhere = getattr(api, method)(url_of(template), body(str(uuid.uuid4())), format="json")
            assert response.status_code in (400, 404), (where, response.status_code, response.content)
            assert (response.status_code, error_codes(response)) == (nowhere.status_code, error_codes(nowhere)), (
                f"{where}: another store's id is answered unlike an id no store has"
            )


def test_the_pages_answer_404_or_leave_out_another_stores_objects(owner_client, worlds):
    _, other = worlds

    for name, build in PAGES.items():
        response = owner_client.get(build(other), follow=True)
        assert response.status_code in (200, 404), (name, response.status_code)
        assert_nothing_of(response, other, name)
    for name, args in HTML_ARGS.items():
        method = "get" if NOT_PAGES.get(name) != "POST only" else "post"
        response = getattr(owner_client, method)(reverse(name, args=args(other)))
        assert response.status_code == 404, (name, response.status_code)


def test_posts_naming_another_stores_objects_change_nothing(owner_client, worlds):
    _, other = worlds

    switched = owner_client.post(
        reverse("accounts:switch_merchant"), HTML_POST_BODIES["accounts:switch_merchant"](other)
    )
    owner_client.post(reverse("inventory:bulk"), HTML_POST_BODIES["inventory:bulk"](other))

    assert switched.status_code == 404
    assert all(products(other).values_list("is_active", flat=True))
