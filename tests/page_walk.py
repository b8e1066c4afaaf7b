"""Every HTML page a logged-in owner can open, with real objects behind it, and a browser walk over them.

`html_routes()` reads the URL resolver, so a new page is noticed: it must be added to `PAGES` (walked)
or to `NOT_PAGES` (with the reason it is not a page), or `tests/test_page_walk.py` fails.
The browser tests (console errors and CSP at desktop size, overflow and the menu at phone size)
all walk `page_urls(world)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.tokens import default_token_generator
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

# A product image that needs no network (CJ's image hosts are out of reach in tests).
PIXEL = "data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="

# Not HTML pages of the merchant's app: the API, staff admin, the mounted CJ sandbox.
NON_HTML_PREFIXES = ("api/", "admin/", "sandbox/")

# Routes outside those prefixes that are not pages an owner opens, and why.
NOT_PAGES: dict[str, str] = {
    "health": "JSON liveness probe",
    "health_ready": "JSON readiness probe",
    "event_stream": "Server-Sent Events stream",
    "accounts:logout": "POST only",
    "accounts:member_add": "POST only",
    "accounts:member_update": "POST only",
    "accounts:switch_merchant": "POST only",
    "suppliers:connect_cj": "POST only",
    "suppliers:check_cj": "POST only",
    "suppliers:disconnect_cj": "POST only",
    "inventory:sync_start": "POST only",
    "inventory:bulk": "POST only",
    "inventory:change_decide": "POST only",
    "inventory:product_price": "an htmx fragment (one table row) of the inventory page",
    "orders:action": "POST only",
    "extension_auth:revoke": "POST only",
    "extension_auth:revoke_all": "POST only",
    "extension_auth:download": "the extension's zip file, not a page",
    "notifications:read": "POST only",
    "notifications:read_all": "POST only",
    "accounts:manage_billing": "POST only",
    "accounts:invitation_update": "POST only",
    "accounts:resend_verification": "POST only",
    "accounts:erase_customer": "POST only",
    "accounts:delete_store": "POST only",
    "accounts:exports": "an htmx fragment (the export panel) of the settings page",
    "accounts:verify_email": "a link from an email: it confirms and redirects",
    "notifications:badge": "an htmx fragment (the header's unread count) of every page",
    "notifications:redeliver": "POST only",
    "analytics:rate": "the customer's rating page, opened from a signed link in the delivered email (no login)",
}


@dataclass
class PageWorld:
    """The objects the pages show: one of each kind, so detail pages render."""

    merchant: object
    owner: object
    order: object
    import_job: object
    sync_run: object
    extras: dict = field(default_factory=dict)


PAGES: dict[str, Callable[[PageWorld], str]] = {
    "core:dashboard": lambda w: reverse("core:dashboard"),
    "analytics:index": lambda w: reverse("analytics:index"),
    "notifications:index": lambda w: reverse("notifications:index"),
    "notifications:preferences": lambda w: reverse("notifications:preferences"),
    "notifications:webhooks": lambda w: reverse("notifications:webhooks"),
    "notifications:webhook": lambda w: reverse("notifications:webhook", args=[w.extras["webhook_endpoint"].pk]),
    "accounts:login": lambda w: reverse("accounts:login"),
    "accounts:signup": lambda w: reverse("accounts:signup"),
    "accounts:password_reset": lambda w: reverse("accounts:password_reset"),
    "accounts:password_reset_done": lambda w: reverse("accounts:password_reset_done"),
    "accounts:password_reset_confirm": lambda w: reverse(
        "accounts:password_reset_confirm",
        args=[urlsafe_base64_encode(force_bytes(w.owner.pk)), default_token_generator.make_token(w.owner)],
    ),
    "accounts:password_reset_complete": lambda w: reverse("accounts:password_reset_complete"),
    "accounts:settings": lambda w: reverse("accounts:settings"),
    "accounts:plan": lambda w: reverse("accounts:plan"),
    "accounts:audit": lambda w: reverse("accounts:audit"),
    "accounts:invitation": lambda w: _invitation_path(w),
    "inventory:index": lambda w: reverse("inventory:index"),
    "inventory:syncs": lambda w: reverse("inventory:syncs"),
    "inventory:sync_detail": lambda w: reverse("inventory:sync_detail", args=[w.sync_run.pk]),
    "inventory:changes": lambda w: reverse("inventory:changes"),
    "inventory:settings": lambda w: reverse("inventory:settings"),
    "orders:index": lambda w: reverse("orders:index"),
    "orders:new": lambda w: reverse("orders:new"),
    "orders:settings": lambda w: reverse("orders:settings"),
    "orders:detail": lambda w: reverse("orders:detail", args=[w.order.pk]),
    "imports:index": lambda w: reverse("imports:index"),
    "imports:history": lambda w: reverse("imports:history"),
    "imports:job": lambda w: reverse("imports:job", args=[w.import_job.pk]),
    "imports:catalog": lambda w: reverse("imports:catalog"),
    "extension_auth:index": lambda w: reverse("extension_auth:index"),
}


def _invitation_path(world: PageWorld) -> str:
    """The page an invitation link opens (here for the owner, who is signed in with another address)."""
    import secrets
    from urllib.parse import urlsplit

    from nexusone.accounts.invitations import invitation_link
    from nexusone.accounts.models import Invitation

    invitation, _ = Invitation.objects.get_or_create(
        merchant=world.merchant,
        email="invited@example.com",
        accepted_at=None,
        revoked_at=None,
        defaults={"role": "viewer", "nonce": secrets.token_hex(16)},
    )
    return urlsplit(invitation_link(invitation)).path


def _walk_resolver(patterns, prefix: str = "", namespace: str | None = None) -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern).lstrip("^")
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk_resolver(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or route
            yield (f"{namespace}:{name}" if namespace else name), route


def html_routes() -> dict[str, str]:
    """Qualified route name → route, for every route outside the API, the admin and the sandbox."""
    return {
        name: route
        for name, route in _walk_resolver(get_resolver().url_patterns)
        if not route.startswith(NON_HTML_PREFIXES)
    }


def page_urls(world: PageWorld) -> dict[str, str]:
    """Route name → path of every page, in a stable order."""
    return {name: build(world) for name, build in PAGES.items()}


def build_world(merchant, owner) -> PageWorld:
    """A premium store with a connected CJ account, products, an order with tracking, an import job,
    a sync run with changes, a held price change, an alert, an extension session and a notification.

    The order is sent to the supplier registered for "cj": use it with the `fake_supplier` fixture.
    """
    from nexusone.accounts.choices import Plan

    merchant.plan = Plan.PREMIUM
    merchant.save(update_fields=["plan"])
    products = _catalog(merchant)
    order = _order(merchant, owner, products[0])
    return PageWorld(
        merchant=merchant,
        owner=owner,
        order=order,
        import_job=_import_job(merchant, owner, products),
        sync_run=_sync_run(merchant, owner, products),
        extras={
            "session": _extension_session(merchant, owner),
            "notification": _notification(merchant),
            "webhook_endpoint": _webhook_endpoint(merchant),
        },
    )


def _catalog(merchant) -> list:
    from inventory.choices import AlertKind
    from inventory.models import StockAlert
    from nexusone.suppliers.models import SupplierAccount
    from tests.factories import CategoryFactory, ProductFactory, TagFactory, VariantFactory

    SupplierAccount.objects.create(merchant=merchant, supplier="cj", api_key="key", open_id="284517903")
    category = CategoryFactory(merchant=merchant, name="Home & Garden")
    tag = TagFactory(merchant=merchant, name="summer")
    products = []
    for name, stock in (("Foldable Storage Box with a rather long product name", 40), ("Desk Lamp", 3)):
        product = ProductFactory(merchant=merchant, name=name, category=category, stock_quantity=stock, image_url=PIXEL)
        product.tags.add(tag)
        VariantFactory(product=product, name="Grey L", stock_quantity=stock, price=product.price)
        products.append(product)
    StockAlert.objects.create(merchant=merchant, product=products[1], kind=AlertKind.LOW_STOCK, stock_quantity=3)
    return products


def _order(merchant, owner, product):
    from nexusone.celery import app
    from nexusone.suppliers.base import TrackingEvent, TrackingInfo
    from orders import actions
    from orders.models import Order

    variant = product.variants.get()
    order_input = actions.OrderInput(
        reference="#W-1001",
        customer_name="Ada Lovelace",
        customer_email="ada.lovelace@analytical-engines.example.com",
        shipping_address={
            "name": "Ada Lovelace",
            "line1": "12 St James's Square",
            "city": "London",
            "postal_code": "SW1Y 4JH",
            "country_code": "GB",
            "phone": "+44 20 7946 0000",
        },
        items=[actions.LineInput(product.pk, 2, variant.pk)],
    )
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True  # the supplier submission runs now, as a worker would
    try:
        order, _ = actions.create_order(merchant, order_input, by=owner)
    finally:
        app.conf.task_always_eager = eager
    order = Order.objects.get(pk=order.pk)
    now = timezone.now()
    actions.apply_tracking(
        order,
        TrackingInfo(
            tracking_number="CJPKL7160102171YQ",
            carrier="YunExpress",
            status="In transit",
            tracking_url="https://t.17track.net/en#nums=CJPKL7160102171YQ",
            events=(
                TrackingEvent(now - timedelta(days=2), "Picked up", "Parcel collected", "Shenzhen, CN"),
                TrackingEvent(now - timedelta(days=1), "In transit", "Departed the sorting center", "Hong Kong"),
            ),
        ),
    )
    return order


def _import_job(merchant, owner, products):
    from imports.choices import ImportSource, ItemStatus, JobStatus
    from imports.models import ImportItem, ImportJob

    now = timezone.now()
    job = ImportJob.objects.create(
        merchant=merchant,
        source=ImportSource.URL,
        status=JobStatus.PARTIAL,
        requested=3,
        imported=1,
        duplicates=1,
        invalid=1,
        created_by=owner,
        started_at=now,
        finished_at=now,
    )
    rows = (
        (
            products[0].source_url or f"https://cjdropshipping.com/product/box-p-{products[0].external_id}.html",
            products[0].external_id,
            ItemStatus.IMPORTED,
            products[0],
            "",
        ),
        (products[1].external_id, products[1].external_id, ItemStatus.DUPLICATE, products[1], ""),
        ("not a product id!", "", ItemStatus.INVALID, None, "Not a CJ product link or product ID."),
    )
    for position, (raw, pid, status, product, error) in enumerate(rows):
        ImportItem.objects.create(
            merchant=merchant,
            job=job,
            position=position,
            input=raw,
            pid=pid,
            status=status,
            product=product,
            error=error,
        )
    return job


def _sync_run(merchant, owner, products):
    from inventory.choices import ChangeKind, ChangeStatus, SyncStatus
    from inventory.models import SyncChange, SyncRun

    now = timezone.now()
    run = SyncRun.objects.create(
        merchant=merchant,
        status=SyncStatus.PARTIAL,
        total=2,
        processed=2,
        changed=1,
        failed=1,
        api_calls=3,
        errors=[{"product_id": str(products[1].pk), "detail": "CJ did not answer in time; it is retried next sync."}],
        started_by=owner,
        started_at=now - timedelta(seconds=4),
        finished_at=now,
    )
    SyncChange.objects.create(
        merchant=merchant, run=run, product=products[0], kind=ChangeKind.STOCK, old_stock=44, new_stock=40
    )
    SyncChange.objects.create(
        merchant=merchant,
        run=run,
        product=products[1],
        kind=ChangeKind.PRICE,
        status=ChangeStatus.HELD,
        old_cost=Decimal("4.00"),
        new_cost=Decimal("6.50"),
        note="Cost rose 62%, above the 20% guardrail.",
    )
    return run


def _extension_session(merchant, owner):
    from extension_auth.actions import create_session

    session, _token = create_session(owner, merchant, name="Chrome on the office laptop")
    return session


def _webhook_endpoint(merchant):
    """An endpoint with one failed delivery waiting for its retry (written directly: no DNS lookup here)."""
    from django.utils import timezone

    from nexusone.notifications.models import Event, WebhookDelivery, WebhookEndpoint

    endpoint = WebhookEndpoint.objects.create(
        merchant=merchant, url="https://hooks.example.com/nexusone", events=["*"], secret="whsec_page_walk"
    )
    event = Event.objects.create(merchant=merchant, type="inventory.low_stock", title="Low stock: Desk Lamp")
    WebhookDelivery.objects.create(
        merchant=merchant,
        endpoint=endpoint,
        event=event,
        event_type=event.type,
        body="{}",
        attempts=1,
        response_status=500,
        last_error="The endpoint answered 500.",
        next_attempt_at=timezone.now() + timezone.timedelta(minutes=1),
    )
    return endpoint


def _notification(merchant):
    from tests.factories import NotificationFactory

    return NotificationFactory(
        merchant=merchant, event="inventory.low_stock", title="Desk Lamp is low on stock", body="3 left at CJ."
    )


# --- the browser walk ------------------------------------------------------------------------

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}

_RECORD_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


def log_in(context, live_server_url: str, client, user) -> None:
    """Give the browser context the session cookie of `user`."""
    client.force_login(user)
    session = client.cookies["sessionid"].value
    context.add_cookies([{"name": "sessionid", "value": session, "url": live_server_url}])


def walk(context, live_server_url: str, urls: dict[str, str], visit: Callable) -> dict[str, list[str]]:
    """Open every page in one tab; `visit(page)` returns the problems it sees there.

    Console errors, uncaught exceptions and CSP violations are problems on every page.
    Returns route name → problems, for the pages that had any.
    """
    context.add_init_script(_RECORD_CSP)
    page = context.new_page()
    seen: list[str] = []

    def on_console(message) -> None:
        if message.type == "error":
            seen.append(f"console error: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.append(f"uncaught: {error}"))
    problems: dict[str, list[str]] = {}
    for name, path in urls.items():
        seen.clear()
        response = page.goto(f"{live_server_url}{path}", wait_until="load")
        found = [] if response is not None and response.ok else [f"HTTP {response.status if response else '—'}"]
        found += [f"CSP: {v}" for v in page.evaluate("window.__cspViolations || []")]
        found += visit(page)
        found += seen
        if found:
            problems[name] = found
    page.close()
    return problems


def report(problems: dict[str, list[str]]) -> str:
    """One line per page with problems, for an assertion message."""
    return "\n".join(f"{name}: {'; '.join(found)}" for name, found in problems.items())


def wider_than(screen: dict) -> Callable:
    """A page wider than the screen scrolls sideways. A phone browser zooms out to fit such a page
    and its innerWidth grows with it: compare both the page's width and innerWidth with the screen."""

    def visit(page) -> list[str]:
        widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if max(widths) > screen["width"]:
            return [f"page is {max(widths)}px wide on a {screen['width']}px screen"]
        return []

    return visit
