"""Inventory operations: settings, pricing, the sync engine, alerts, schedules, held changes.

Views, the API, Celery tasks, the `sync_inventory` command and other apps call these;
none of them repeats the logic.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from nexusone.accounts.choices import SyncFrequency
from nexusone.accounts.plans import PlanFeatureMissing
from nexusone.core.audit import record_event
from nexusone.core.events import publish_event
from nexusone.core.exceptions import InvalidTransition
from nexusone.notifications.actions import notify
from nexusone.suppliers.actions import get_supplier_account
from nexusone.suppliers.base import (
    StockLevel,
    Supplier,
    SupplierAuthError,
    SupplierCircuitOpen,
    SupplierError,
    SupplierNotFound,
    SupplierProduct,
    SupplierQuotaExhausted,
    SupplierRateLimited,
    SupplierUnavailable,
    WebhookEvent,
)
from nexusone.suppliers.registry import get_supplier

from .choices import (
    ACTIVE_SYNC_STATUSES,
    ChangeKind,
    ChangeStatus,
    SyncStatus,
    SyncTrigger,
)
from .models import (
    Category,
    InventorySettings,
    PricingRule,
    Product,
    SyncChange,
    SyncRun,
    Tag,
    Variant,
)
from .pricing import CENT, PriceRule, parse_markup, price_for
from .stock import alert_kind_for, apply_stock_rules, resum_products, sellable, update_alerts

if TYPE_CHECKING:
    from nexusone.accounts.models import Merchant, User

logger = logging.getLogger(__name__)

__all__ = [
    "PriceRule",
    "alert_kind_for",
    "apply_supplier_stock_event",
    "compute_price",
    "get_inventory_settings",
    "price_for",
    "start_sync",
    "update_alerts",
]

SYNC_BATCH_SIZE = 50  # products read from the supplier per batch
WRITE_BATCH_ROWS = 1000  # changed rows per UPDATE statement
FLUSH_SECONDS = 2.0  # pending changes never wait longer than this to be written
SYNC_ATTEMPTS = 3  # per product call, then the product is reported failed
SYNC_BACKOFF_SECONDS = 0.5  # doubled on each retry; a supplier's Retry-After wins
MAX_RETRY_WAIT_SECONDS = 30  # a supplier asking to wait longer stops the run instead
STALE_RUN_AFTER = 30 * 60  # a running sync silent this long is considered dead
CONNECT_CJ_MESSAGE = "No CJ account is connected: connect CJ Dropshipping in Settings, then sync again."
MAX_ERRORS_KEPT = 200


# --- settings ---------------------------------------------------------------------


def get_inventory_settings(merchant: Merchant) -> InventorySettings:
    """The merchant's inventory settings, created with defaults (and a default pricing rule) on first use."""
    try:
        return InventorySettings.objects.select_related("default_pricing_rule").get(merchant=merchant)
    except InventorySettings.DoesNotExist:
        pass
    try:
        with transaction.atomic():
            rule = PricingRule.objects.create(merchant=merchant, name="Default")
            return InventorySettings.objects.create(merchant=merchant, default_pricing_rule=rule)
    except IntegrityError:
        return InventorySettings.objects.select_related("default_pricing_rule").get(merchant=merchant)


def default_rule(inventory_settings: InventorySettings) -> PriceRule:
    rule = inventory_settings.default_pricing_rule
    return rule_from_model(rule) if rule is not None else PriceRule()


def rule_from_model(rule: PricingRule) -> PriceRule:
    return PriceRule(rule.markup_type, rule.markup_value, rule.round_to_99, rule.minimum_profit)


SETTINGS_FIELDS = (
    "low_stock_threshold",
    "sync_frequency",
    "out_of_stock_action",
    "reactivate_when_back",
    "price_guardrail_percent",
    "ship_from_countries",
)
RULE_FIELDS = ("markup_type", "markup_value", "round_to_99", "minimum_profit")


def update_inventory_settings(merchant: Merchant, *, by: User | None = None, **changes: Any) -> InventorySettings:
    """Change settings (and the default pricing rule's fields); reschedules syncs. Plan limits apply."""
    unknown = set(changes) - set(SETTINGS_FIELDS) - set(RULE_FIELDS)
    if unknown:
        raise ValidationError({name: "Unknown setting." for name in sorted(unknown)})
    frequency = changes.get("sync_frequency")
    if frequency is not None and frequency not in merchant.capabilities.sync_frequencies:
        allowed = ", ".join(sorted(merchant.capabilities.sync_frequencies))
        raise PlanFeatureMissing(
            {"sync_frequency": f"Your {merchant.get_plan_display()} plan allows: {allowed}. Upgrade for hourly syncs."}
        )
    if "ship_from_countries" in changes:
        countries = changes["ship_from_countries"] or []
        if isinstance(countries, str):
            countries = [c for c in countries.replace(",", " ").split() if c]
        if not all(isinstance(c, str) and len(c.strip()) == 2 and c.strip().isalpha() for c in countries):
            raise ValidationError({"ship_from_countries": "Give two-letter country codes, e.g. CN, US."})
        changes["ship_from_countries"] = sorted({c.strip().upper() for c in countries})
    with transaction.atomic():
        inventory_settings = get_inventory_settings(merchant)
        for name in SETTINGS_FIELDS:
            if name in changes:
                setattr(inventory_settings, name, changes[name])
        inventory_settings.full_clean(exclude=["merchant", "default_pricing_rule"])
        inventory_settings.save()
        rule_changes = {name: changes[name] for name in RULE_FIELDS if name in changes}
        if rule_changes:
            _update_rule(inventory_settings, rule_changes)
        schedule_syncs(merchant, inventory_settings)
        record_event("inventory.settings_changed", merchant=merchant, actor=by, data={"fields": sorted(changes)})
    return inventory_settings


def _update_rule(inventory_settings: InventorySettings, rule_changes: dict[str, Any]) -> PricingRule:
    rule = inventory_settings.default_pricing_rule
    if rule is None:
        rule = PricingRule.objects.create(merchant=inventory_settings.merchant, name="Default")
        inventory_settings.default_pricing_rule = rule
        inventory_settings.save(update_fields=["default_pricing_rule", "updated_at"])
    if "markup_type" in rule_changes or "markup_value" in rule_changes:
        parse_markup(
            {
                "type": rule_changes.get("markup_type", rule.markup_type),
                "value": rule_changes.get("markup_value", rule.markup_value),
            }
        )
    for name, value in rule_changes.items():
        setattr(rule, name, value)
    rule.full_clean(exclude=["merchant"])
    rule.save()
    return rule


# --- pricing ------------------------------------------------------------------------


def compute_price(merchant: Merchant, cost: Decimal | str, markup: dict[str, Any] | None = None) -> Decimal:
    """The price of `cost` under the merchant's default rule, or `markup` in place of its markup."""
    rule = default_rule(get_inventory_settings(merchant)).with_markup(markup)
    return price_for(cost, rule)


def rule_for_product(product: Product, base: PriceRule) -> PriceRule:
    """The product's rule: its own pricing rule or the default, with the product's own markup on top."""
    rule = rule_from_model(product.pricing_rule) if product.pricing_rule_id and product.pricing_rule else base
    try:
        return rule.with_markup(product.markup)
    except ValidationError:
        return rule


def _follows_default(products):
    return products.filter(price_locked=False, pricing_rule__isnull=True).filter(Q(markup={}) | Q(markup__isnull=True))


@dataclass(frozen=True)
class PricePreview:
    product: Product
    old_price: Decimal
    new_price: Decimal


def preview_pricing(merchant: Merchant, rule: PriceRule, *, limit: int | None = None) -> list[PricePreview]:
    """What the default rule `rule` would do to the prices of unlocked products that follow the default."""
    products = _follows_default(Product.objects.for_merchant(merchant)).order_by("name")
    previews = []
    for product in products.iterator(chunk_size=500):
        new_price = price_for(product.cost_price, rule)
        if new_price != product.price:
            previews.append(PricePreview(product, product.price, new_price))
            if limit is not None and len(previews) >= limit:
                break
    return previews


def apply_pricing_rule(merchant: Merchant, rule: PriceRule, *, by: User | None = None) -> int:
    """Make `rule` the merchant's default and reprice the unlocked products that follow it. Returns how many."""
    with transaction.atomic():
        inventory_settings = get_inventory_settings(merchant)
        _update_rule(
            inventory_settings,
            {
                "markup_type": rule.markup_type,
                "markup_value": rule.markup_value,
                "round_to_99": rule.round_to_99,
                "minimum_profit": rule.minimum_profit,
            },
        )
        products = list(_follows_default(Product.objects.for_merchant(merchant)).prefetch_related("variants"))
        changed = _reprice(products, lambda product: rule)
        record_event(
            "inventory.pricing_applied",
            merchant=merchant,
            actor=by,
            data={"rule": rule.as_markup(), "round_to_99": rule.round_to_99, "repriced": changed},
        )
    return changed


def _reprice(products: Sequence[Product], rule_of: Callable[[Product], PriceRule]) -> int:
    """Recompute product and variant prices from their costs (locked prices kept). Bulk writes."""
    product_rows, variant_rows = [], []
    for product in products:
        if product.price_locked:
            continue
        rule = rule_of(product)
        new_price = price_for(product.cost_price, rule)
        if new_price != product.price:
            product.price = new_price
            product_rows.append(product)
        for variant in product.variants.all():
            variant_price = price_for(variant.cost_price, rule)
            if variant_price != variant.price:
                variant.price = variant_price
                variant_rows.append(variant)
    now = timezone.now()
    for row in (*product_rows, *variant_rows):
        row.updated_at = now
    Product.objects.bulk_update(product_rows, ["price", "updated_at"], batch_size=500)
    Variant.objects.bulk_update(variant_rows, ["price", "updated_at"], batch_size=500)
    return len(product_rows)


# --- catalog edits ----------------------------------------------------------------------


def resolve_category(merchant: Merchant, value: str | None, *, create: bool = False) -> Category | None:
    """A merchant's category by id or exact name; a new name is created when `create` (as imports do),
    else a ValidationError naming `category`."""
    value = (value or "").strip()
    if not value:
        return None
    categories = Category.objects.for_merchant(merchant)
    found = None
    try:
        found = categories.filter(pk=value).first()
    except (ValidationError, ValueError):
        found = None
    found = found or categories.filter(name=value).first()
    if found is None and create:
        if len(value) > 200:
            raise ValidationError({"category": "A category name has at most 200 characters."})
        found, _ = Category.objects.get_or_create(merchant=merchant, name=value)
    if found is None:
        raise ValidationError({"category": f"Unknown category {value!r}."})
    return found


def resolve_tags(merchant: Merchant, names: Iterable[str]) -> list[Tag]:
    """Tags by name, created when new."""
    tags = []
    for name in dict.fromkeys(n.strip() for n in names if n and n.strip()):
        if len(name) > 100:
            raise ValidationError({"tags": f"Tag {name[:20]!r}… is longer than 100 characters."})
        tag, _ = Tag.objects.get_or_create(merchant=merchant, name=name)
        tags.append(tag)
    return tags


PRODUCT_EDIT_FIELDS = (
    "price",
    "price_locked",
    "markup",
    "is_active",
    "low_stock_threshold",
    "name",
    "category",
    "tags",
)


def update_product(product: Product, *, by: User | None = None, **changes: Any) -> Product:
    """Edit a product; a new markup reprices it (unless locked). Validation errors name the field."""
    unknown = set(changes) - set(PRODUCT_EDIT_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be changed." for name in sorted(unknown)})
    merchant = product.merchant
    if "price" in changes:
        price = Decimal(str(changes["price"]))
        if price < 0 or price != price.quantize(CENT):
            raise ValidationError({"price": "Give a price of zero or more with at most two decimals."})
        changes["price"] = price
    if "low_stock_threshold" in changes:
        threshold = changes["low_stock_threshold"]
        if threshold is not None and (not isinstance(threshold, int) or threshold < 0):
            raise ValidationError({"low_stock_threshold": "Give a whole number of zero or more, or null."})
    if changes.get("markup"):
        parse_markup(changes["markup"])
    with transaction.atomic():
        if "category" in changes:
            changes["category"] = resolve_category(merchant, changes["category"], create=True)
        tags = resolve_tags(merchant, changes.pop("tags")) if "tags" in changes else None
        fields = {"updated_at"}
        for name, value in changes.items():
            if name == "is_active":
                product.auto_deactivated = False
                fields.add("auto_deactivated")
            setattr(product, name, (value or {}) if name == "markup" else value)
            fields.add(name)
        # Only the edited columns: stock and costs may have moved (sync, orders) since the product was read.
        product.save(update_fields=sorted(fields))
        if tags is not None:
            product.tags.set(tags)
        if "markup" in changes and "price" not in changes and not product.price_locked:
            base = default_rule(get_inventory_settings(merchant))
            _reprice([product], lambda p: rule_for_product(p, base))
        record_event(
            "inventory.product_updated", merchant=merchant, actor=by, target=product, data={"fields": sorted(changes)}
        )
    return product


def delete_product(product: Product, *, by: User | None = None) -> None:
    record_event(
        "inventory.product_deleted",
        merchant=product.merchant,
        actor=by,
        data={"product_id": str(product.pk), "external_id": product.external_id, "name": product.name},
    )
    product.delete()


def bulk_update_products(
    merchant: Merchant, product_ids: Iterable[str], action: str, *, value: Any = None, by: User | None = None
) -> int:
    """Dashboard bulk actions: activate, deactivate, set_markup, set_category, add_tags. Returns rows touched."""
    products = Product.objects.for_merchant(merchant).filter(pk__in=list(product_ids))
    with transaction.atomic():
        if action == "activate":
            count = products.update(is_active=True, auto_deactivated=False, updated_at=timezone.now())
        elif action == "deactivate":
            count = products.update(is_active=False, auto_deactivated=False, updated_at=timezone.now())
        elif action == "set_markup":
            parse_markup(value)
            count = products.update(markup=value, updated_at=timezone.now())
            base = default_rule(get_inventory_settings(merchant))
            _reprice(
                list(products.select_related("pricing_rule").prefetch_related("variants")),
                lambda p: rule_for_product(p, base),
            )
        elif action == "set_category":
            category = resolve_category(merchant, value)
            count = products.update(category=category, updated_at=timezone.now())
        elif action == "add_tags":
            tags = resolve_tags(merchant, value if isinstance(value, list) else str(value or "").split(","))
            through = Product.tags.through
            rows = [
                through(product_id=pid, tag_id=tag.pk) for pid in products.values_list("pk", flat=True) for tag in tags
            ]
            through.objects.bulk_create(rows, ignore_conflicts=True)
            count = products.count()
        else:
            raise ValidationError({"action": f"Unknown bulk action {action!r}."})
        record_event("inventory.bulk_" + action, merchant=merchant, actor=by, data={"count": count})
    return count


# --- schedules ---------------------------------------------------------------------------

SCHEDULED_SYNC_TASK = "inventory.scheduled_sync"


def schedule_name(merchant: Merchant) -> str:
    return f"inventory-sync:{merchant.pk}"


def schedule_offset(merchant: Merchant) -> tuple[int, int, int]:
    """(minute, hour, weekday) spread by merchant id so merchants do not all start at once."""
    digest = int(hashlib.sha256(str(merchant.pk).encode()).hexdigest(), 16)
    return digest % 60, (digest // 60) % 24, (digest // 1440) % 7


def allowed_frequency(merchant: Merchant, frequency: str) -> str:
    """The frequency the plan allows: hourly falls back to daily on a plan without it."""
    allowed = merchant.capabilities.sync_frequencies
    if frequency in allowed:
        return frequency
    return SyncFrequency.DAILY if SyncFrequency.DAILY in allowed else SyncFrequency.OFF


def schedule_syncs(merchant: Merchant, inventory_settings: InventorySettings | None = None):
    """Create, update or remove the merchant's periodic sync task. Returns the task or None."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    inventory_settings = inventory_settings or get_inventory_settings(merchant)
    frequency = allowed_frequency(merchant, inventory_settings.sync_frequency)
    if frequency == SyncFrequency.OFF:
        PeriodicTask.objects.filter(name=schedule_name(merchant)).delete()
        return None
    minute, hour, weekday = schedule_offset(merchant)
    crontab = {
        SyncFrequency.HOURLY: {"minute": str(minute), "hour": "*", "day_of_week": "*"},
        SyncFrequency.DAILY: {"minute": str(minute), "hour": str(hour), "day_of_week": "*"},
        SyncFrequency.WEEKLY: {"minute": str(minute), "hour": str(hour), "day_of_week": str(weekday)},
    }[frequency]
    schedule, _ = CrontabSchedule.objects.get_or_create(**crontab, day_of_month="*", month_of_year="*", timezone="UTC")
    task, _ = PeriodicTask.objects.update_or_create(
        name=schedule_name(merchant),
        defaults={
            "task": SCHEDULED_SYNC_TASK,
            "crontab": schedule,
            "interval": None,
            "args": json.dumps([str(merchant.pk)]),
            "enabled": True,
            "description": f"{frequency} inventory sync of {merchant.name}",
        },
    )
    return task


def on_plan_changed(merchant: Merchant, old_plan: str, new_plan: str) -> None:
    """A plan without hourly syncs moves an hourly schedule to daily."""
    inventory_settings = get_inventory_settings(merchant)
    frequency = allowed_frequency(merchant, inventory_settings.sync_frequency)
    if frequency != inventory_settings.sync_frequency:
        inventory_settings.sync_frequency = frequency
        inventory_settings.save(update_fields=["sync_frequency", "updated_at"])
    schedule_syncs(merchant, inventory_settings)


# --- the sync engine ---------------------------------------------------------------------------


def start_sync(
    merchant: Merchant,
    trigger: str,
    product_ids: Iterable[str] | None = None,
    *,
    by: User | None = None,
    dry_run: bool = False,
    run_now: bool = False,
    on_progress: Callable[[SyncRun], None] | None = None,
) -> SyncRun:
    """Queue a sync of every product (`product_ids` None) or of some products; returns the run.

    One full sync per merchant at a time: while one is queued or running, asking again returns it.
    `run_now` runs it in this process (command, scheduled task, webhooks) instead of on a worker.
    """
    if trigger not in SyncTrigger.values:
        raise ValidationError({"trigger": f"Unknown trigger {trigger!r}."})
    expire_stale_runs(merchant)
    is_full = product_ids is None
    ids = [] if is_full else [str(pid) for pid in product_ids]
    try:
        with transaction.atomic():
            run = SyncRun.objects.create(
                merchant=merchant, trigger=trigger, is_full=is_full, product_ids=ids, dry_run=dry_run, started_by=by
            )
    except IntegrityError:
        running = SyncRun.objects.for_merchant(merchant).filter(is_full=True, status__in=ACTIVE_SYNC_STATUSES).first()
        if running is None:
            raise
        return running
    if run_now:
        return execute_sync(run, on_progress=on_progress)
    from .tasks import run_sync_task

    transaction.on_commit(lambda: run_sync_task.delay(str(run.pk)))
    return run


def expire_stale_runs(merchant: Merchant) -> int:
    """A run whose worker died must not hold the merchant's lock forever."""
    cutoff = timezone.now() - timezone.timedelta(seconds=STALE_RUN_AFTER)
    return (
        SyncRun.objects.for_merchant(merchant)
        .filter(status__in=ACTIVE_SYNC_STATUSES, updated_at__lt=cutoff)
        .update(
            status=SyncStatus.FAILED,
            finished_at=timezone.now(),
            errors=[{"detail": "The sync stopped responding and was abandoned."}],
        )
    )


@dataclass
class SyncContext:
    settings: InventorySettings
    base_rule: PriceRule
    countries: frozenset[str] | None
    now: Any
    dry_run: bool = False


class Fetched(NamedTuple):
    product: SupplierProduct | None  # None: the supplier says it is gone
    stock: dict[str, StockLevel]
    calls: int


class ProductRow(NamedTuple):
    """One changed product for the write phase (the supplier stock as read guards the conditional update).

    Its sellable stock is not written from here: the write phase sums it from the variants (inventory.stock)."""

    id: Any
    old_stock: int
    supplier_stock: int
    cost_price: Decimal
    price: Decimal
    is_active: bool
    is_available: bool
    auto_deactivated: bool
    missing_count: int


class VariantRow(NamedTuple):
    """One changed variant: its supplier stock as read, the supplier's new count, cost and price."""

    id: Any
    old_stock: int
    supplier_stock: int
    cost_price: Decimal
    price: Decimal


@dataclass
class BatchResult:
    processed: int = 0
    changed: int = 0
    failed: int = 0
    api_calls: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)
    fatal: SupplierError | None = None


def execute_sync(
    run: SyncRun,
    *,
    sleep: Callable[[float], None] = time.sleep,
    on_progress: Callable[[SyncRun], None] | None = None,
) -> SyncRun:
    """Run a queued sync to the end (idempotent: a run already claimed is returned as it is)."""
    claimed = SyncRun.objects.filter(pk=run.pk, status=SyncStatus.QUEUED).update(
        status=SyncStatus.RUNNING, started_at=timezone.now(), updated_at=timezone.now()
    )
    run.refresh_from_db()
    if not claimed:
        return run
    merchant = run.merchant
    account = get_supplier_account(merchant)
    if account is None:
        return _finish(run, SyncStatus.FAILED, [{"detail": CONNECT_CJ_MESSAGE}])
    try:
        supplier = get_supplier(account)
    except (LookupError, SupplierError) as exc:
        return _finish(run, SyncStatus.FAILED, [{"detail": f"The CJ connection is not usable: {exc}"}])

    inventory_settings = get_inventory_settings(merchant)
    context = SyncContext(
        settings=inventory_settings,
        base_rule=default_rule(inventory_settings),
        countries=inventory_settings.countries,
        now=timezone.now(),
        dry_run=run.dry_run,
    )
    products = Product.objects.for_merchant(merchant).filter(supplier=account.supplier)
    if not run.is_full:
        products = products.filter(pk__in=run.product_ids)
    ids = list(products.order_by("pk").values_list("pk", flat=True))
    run.total = len(ids)
    SyncRun.objects.filter(pk=run.pk).update(total=run.total, updated_at=timezone.now())
    _publish_progress(run)

    errors: list[dict[str, str]] = []
    fatal: SupplierError | None = None
    pending = PendingWrites()
    try:
        for start in range(0, len(ids), SYNC_BATCH_SIZE):
            result = sync_batch(run, supplier, ids[start : start + SYNC_BATCH_SIZE], context, pending, sleep=sleep)
            if pending.due():
                errors.extend(flush_writes(run, pending, context))
            run.processed += result.processed
            run.changed += result.changed
            run.failed += result.failed
            run.api_calls += result.api_calls
            errors.extend(result.errors)
            SyncRun.objects.filter(pk=run.pk).update(
                processed=run.processed,
                changed=run.changed,
                failed=run.failed,
                api_calls=run.api_calls,
                errors=errors[:MAX_ERRORS_KEPT],
                updated_at=timezone.now(),
            )
            _publish_progress(run)
            if on_progress is not None:
                on_progress(run)
            if result.fatal is not None:
                fatal = result.fatal
                break
        errors.extend(flush_writes(run, pending, context))
    except Exception as exc:
        logger.exception("Sync %s stopped by an unexpected error", run.pk)
        errors.insert(0, {"detail": f"Stopped by an unexpected error: {exc.__class__.__name__}: {exc}"})
        return _finish(run, SyncStatus.PARTIAL if run.processed else SyncStatus.FAILED, errors)

    if fatal is not None:
        skipped = run.total - run.processed - run.failed
        errors.insert(
            0, {"detail": f"Stopped: {fatal}. {skipped} product(s) were not checked; run the sync again later."}
        )
        run.failed += skipped
        status = SyncStatus.PARTIAL if run.processed else SyncStatus.FAILED
    elif run.failed:
        status = SyncStatus.PARTIAL if run.processed else SyncStatus.FAILED
    else:
        status = SyncStatus.SUCCEEDED
    return _finish(run, status, errors)


def _finish(run: SyncRun, status: str, errors: list[dict[str, str]]) -> SyncRun:
    run.status = status
    run.errors = errors[:MAX_ERRORS_KEPT]
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "errors", "finished_at", "failed", "updated_at"])
    _publish_progress(run, kind="sync.finished")
    if status == SyncStatus.FAILED and not run.dry_run:
        notify(
            run.merchant,
            "inventory.sync_failed",
            title="Inventory sync failed",
            body=(errors[0]["detail"] if errors else "The sync failed."),
            level="error",
            link=f"/inventory/syncs/{run.pk}/",
            data={"run_id": str(run.pk)},
        )
    return run


def _publish_progress(run: SyncRun, kind: str = "sync.progress") -> None:
    publish_event(
        run.merchant_id,
        kind,
        {
            "run_id": str(run.pk),
            "status": run.status,
            "total": run.total,
            "processed": run.processed,
            "changed": run.changed,
            "failed": run.failed,
            "percent": run.percent,
        },
    )


def stops_the_run(exc: SupplierError) -> bool:
    """Errors after which no later call can succeed soon: the run stops and says why."""
    if isinstance(exc, SupplierAuthError | SupplierQuotaExhausted | SupplierCircuitOpen):
        return True
    return isinstance(exc, SupplierRateLimited) and (exc.retry_after or 0) > MAX_RETRY_WAIT_SECONDS


def fetch_product(supplier: Supplier, external_id: str, *, sleep: Callable[[float], None] = time.sleep) -> Fetched:
    """Stock (all variants, per warehouse) and product data of one product, with retries on transient errors.

    Raises the last transient error after SYNC_ATTEMPTS; SupplierNotFound means gone (a `Fetched` with
    product None); errors that stop the run (auth, quota, open circuit, a long wait) propagate at once.
    """
    calls = 0
    for attempt in range(1, SYNC_ATTEMPTS + 1):
        try:
            calls += 1
            stock = supplier.get_product_stock(external_id)
            calls += 1
            product = supplier.get_product(external_id)
            return Fetched(product, stock, calls)
        except SupplierNotFound:
            return Fetched(None, {}, calls)
        except (SupplierUnavailable, SupplierRateLimited) as exc:
            if attempt == SYNC_ATTEMPTS or stops_the_run(exc):
                exc.calls = calls  # type: ignore[attr-defined]
                raise
            delay = getattr(exc, "retry_after", None) or SYNC_BACKOFF_SECONDS * 2 ** (attempt - 1)
            sleep(delay)
    raise AssertionError("unreachable")


def sync_batch(
    run: SyncRun,
    supplier: Supplier,
    product_ids: Sequence[Any],
    context: SyncContext,
    pending: PendingWrites,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> BatchResult:
    """Read one batch from the supplier and diff it; what changed joins `pending` for the write phase."""
    result = BatchResult()
    products = list(
        Product.objects.filter(pk__in=product_ids, merchant_id=run.merchant_id)
        .select_related("pricing_rule")
        .prefetch_related("variants")
        .order_by("pk")
    )
    fetched: dict[Any, Fetched] = {}
    for product in products:
        try:
            fetched[product.pk] = fetch_product(supplier, product.external_id, sleep=sleep)
            result.api_calls += fetched[product.pk].calls
        except SupplierError as exc:
            if stops_the_run(exc):
                # Nothing later in the run can succeed either: stop and say so rather than fail every product.
                result.api_calls += getattr(exc, "calls", 1)
                result.fatal = exc
                break
            result.api_calls += getattr(exc, "calls", 1)
            result.failed += 1
            result.errors.append(
                {"product_id": str(product.pk), "external_id": product.external_id, "detail": str(exc) or repr(exc)}
            )
    checked = [p for p in products if p.pk in fetched]
    awaiting_review = dict(
        SyncChange.objects.filter(
            merchant_id=run.merchant_id, status=ChangeStatus.HELD, product_id__in=[p.pk for p in checked]
        ).values_list("product_id", "new_cost")
    )
    product_rows, variant_rows, changes = diff_products(checked, fetched, context, awaiting_review)
    result.processed = len(checked)
    result.changed = len({row.id for row in product_rows} | {change.product.pk for change in changes})
    if not context.dry_run:
        pending.product_rows.extend(product_rows)
        pending.variant_rows.extend(variant_rows)
        pending.changes.extend(changes)
        pending.products.extend(p for p in checked if fetched[p.pk].product is not None)
    return result


@dataclass
class PendingWrites:
    """Diffs waiting to be written: flushed every WRITE_BATCH_ROWS rows or FLUSH_SECONDS, and at the end.

    With 5% of products changing, a read batch of 50 holds two or three changed rows; writing
    a thousand rows per statement instead keeps the write phase close to a raw COPY + UPDATE.
    """

    product_rows: list[ProductRow] = field(default_factory=list)
    variant_rows: list[VariantRow] = field(default_factory=list)
    changes: list[SyncChange] = field(default_factory=list)
    products: list[Product] = field(default_factory=list)
    since: float = field(default_factory=time.monotonic)

    def due(self) -> bool:
        rows = len(self.product_rows) + len(self.variant_rows)
        if len(self.products) >= 5 * WRITE_BATCH_ROWS:  # bounds memory: alerts need the product objects
            return True
        return rows >= WRITE_BATCH_ROWS or (rows > 0 and time.monotonic() - self.since >= FLUSH_SECONDS)

    def clear(self) -> None:
        self.product_rows, self.variant_rows, self.changes, self.products = [], [], [], []
        self.since = time.monotonic()


def flush_writes(run: SyncRun, pending: PendingWrites, context: SyncContext) -> list[dict[str, str]]:
    """Write the pending rows, their change records and alerts in one transaction. Returns problems to report."""
    errors = []
    if context.dry_run or not (pending.product_rows or pending.variant_rows or pending.changes or pending.products):
        pending.clear()
        return errors
    with transaction.atomic():
        conflicts = write_changed_rows(run.merchant_id, pending.product_rows, pending.variant_rows, now=context.now)
        if conflicts:
            errors.append({"detail": f"{conflicts} row(s) changed meanwhile and were left for the next sync."})
        for change in pending.changes:
            change.run = run
        _supersede_held(run.merchant_id, [c for c in pending.changes if c.status == ChangeStatus.HELD])
        SyncChange.objects.bulk_create(pending.changes, batch_size=1000)
        if conflicts:  # a product skipped while some of its variants were written: its sums must still follow them
            resum_products(
                run.merchant_id,
                {row.id for row in pending.product_rows} | {change.product.pk for change in pending.changes},
            )
        apply_stock_rules(run.merchant, [product.pk for product in pending.products], context.settings)
    pending.clear()
    return errors


SYNC_STATE_FIELDS = (
    "supplier_stock",
    "cost_price",
    "price",
    "is_active",
    "is_available",
    "auto_deactivated",
    "missing_count",
)


def _sync_state(product: Product) -> tuple:
    """The product fields a sync may change: equal before and after means nothing to write."""
    return tuple(getattr(product, name) for name in SYNC_STATE_FIELDS)


def diff_products(
    products: Sequence[Product],
    fetched: dict[Any, Fetched],
    context: SyncContext,
    awaiting_review: dict[Any, Decimal] | None = None,
) -> tuple[list[ProductRow], list[VariantRow], list[SyncChange]]:
    """Compare supplier data with the database. Mutates the product objects to their new state.

    `awaiting_review` maps product ids to the new cost of their held change: the same move seen
    again is not recorded twice.
    """
    awaiting_review = awaiting_review or {}
    product_rows: list[ProductRow] = []
    variant_rows: list[VariantRow] = []
    changes: list[SyncChange] = []
    inventory_settings = context.settings
    guardrail = inventory_settings.price_guardrail_percent
    for product in products:
        data = fetched[product.pk]
        first_variant_row = len(variant_rows)
        before = _sync_state(product)
        old_stock = product.supplier_stock
        if data.product is None:
            product.missing_count += 1
            if product.missing_count >= 2 and (product.is_available or product.is_active):
                product.is_available = False
                product.is_active = False
                product.auto_deactivated = False
                changes.append(
                    SyncChange(
                        merchant_id=product.merchant_id,
                        product=product,
                        kind=ChangeKind.AVAILABILITY,
                        old_stock=old_stock,
                        new_stock=old_stock,
                        note="CJ no longer has this product (two syncs in a row); deactivated.",
                    )
                )
        else:
            supplier_product = data.product
            rule = rule_for_product(product, context.base_rule)
            supplier_variants = {v.variant_id: v for v in supplier_product.variants}
            variants = list(product.variants.all())
            new_costs = {
                v.pk: (
                    supplier_variants[v.external_id].cost_price.quantize(CENT)
                    if v.external_id in supplier_variants
                    else v.cost_price
                )
                for v in variants
            }
            new_product_cost = min(new_costs.values()) if new_costs else supplier_product.cost_price.quantize(CENT)
            cost_moved = new_product_cost != product.cost_price
            held = False
            if cost_moved and product.cost_price > 0:
                move = abs(new_product_cost - product.cost_price) / product.cost_price * 100
                held = move > guardrail
            if held and awaiting_review.get(product.pk) != new_product_cost:
                new_price = product.price if product.price_locked else price_for(new_product_cost, rule)
                changes.append(
                    SyncChange(
                        merchant_id=product.merchant_id,
                        product=product,
                        kind=ChangeKind.PRICE,
                        status=ChangeStatus.HELD,
                        old_cost=product.cost_price,
                        new_cost=new_product_cost,
                        old_price=product.price,
                        new_price=new_price,
                        note=f"Cost moved more than the {guardrail}% guardrail; approve or reject it.",
                        details={"variants": {str(pk): str(cost) for pk, cost in new_costs.items()}},
                    )
                )
            stock_total = 0
            for variant in variants:
                level = data.stock.get(variant.external_id)
                new_stock = level.total(context.countries) if level is not None else 0
                stock_total += new_stock
                new_cost = variant.cost_price if held else new_costs[variant.pk]
                new_price = variant.price
                if new_cost != variant.cost_price and not product.price_locked:
                    new_price = price_for(new_cost, rule)
                if (new_stock, new_cost, new_price) != (variant.supplier_stock, variant.cost_price, variant.price):
                    variant_rows.append(VariantRow(variant.pk, variant.supplier_stock, new_stock, new_cost, new_price))
                    changes.append(
                        SyncChange(
                            merchant_id=product.merchant_id,
                            product=product,
                            variant=variant,
                            kind=ChangeKind.PRICE if new_cost != variant.cost_price else ChangeKind.STOCK,
                            old_stock=variant.supplier_stock,
                            new_stock=new_stock,
                            old_cost=variant.cost_price,
                            new_cost=new_cost,
                            old_price=variant.price,
                            new_price=new_price,
                        )
                    )
                    variant.supplier_stock, variant.cost_price, variant.price = new_stock, new_cost, new_price
            if not variants:
                stock_total = sum(level.total(context.countries) for level in data.stock.values())
            product.supplier_stock = stock_total
            if cost_moved and not held:
                product.cost_price = new_product_cost
                if not product.price_locked:
                    product.price = price_for(new_product_cost, rule)
            product.is_available = supplier_product.on_sale
            product.missing_count = 0
            if not variants and product.supplier_stock != old_stock:
                changes.append(
                    SyncChange(
                        merchant_id=product.merchant_id,
                        product=product,
                        kind=ChangeKind.STOCK,
                        old_stock=old_stock,
                        new_stock=product.supplier_stock,
                    )
                )
        after = _sync_state(product)
        # A product whose variants changed is written too: its sums follow them in the same statement.
        if after != before or len(variant_rows) > first_variant_row:
            product_rows.append(ProductRow(product.pk, old_stock, *after))
    return product_rows, variant_rows, changes


def write_changed_rows(
    merchant_id: Any, product_rows: Sequence[ProductRow], variant_rows: Sequence[VariantRow], *, now: Any = None
) -> int:
    """Write changed rows, one statement per table per batch. Returns rows skipped because they moved meanwhile.

    On PostgreSQL: `UPDATE … FROM unnest(…)` over the batch's values, guarded by the supplier stock as
    read (a conditional update whose row count is checked); elsewhere (the SQLite demo) Django's
    bulk_update. A variant's sellable stock is computed from its reservation as the row stands; a
    product's figures are the sums of its variants as just written.
    """
    now = now or timezone.now()
    if len(product_rows) > WRITE_BATCH_ROWS or len(variant_rows) > WRITE_BATCH_ROWS:
        skipped = 0
        for start in range(0, max(len(product_rows), len(variant_rows)), WRITE_BATCH_ROWS):
            chunk = slice(start, start + WRITE_BATCH_ROWS)
            skipped += write_changed_rows(merchant_id, product_rows[chunk], variant_rows[chunk], now=now)
        return skipped
    if connection.vendor != "postgresql":
        return _bulk_update_rows(merchant_id, product_rows, variant_rows, now)
    skipped = 0
    # One statement per table: the batch's values travel as one array per column (unnest), which
    # PostgreSQL binds far faster than thousands of VALUES placeholders.
    with connection.cursor() as cursor:
        if variant_rows:
            columns = list(zip(*variant_rows, strict=True))
            cursor.execute(
                """UPDATE inventory_variant AS t
                SET supplier_stock = v.stock, stock_quantity = GREATEST(v.stock - t.reserved_quantity, 0),
                    cost_price = v.cost, price = v.price, updated_at = %s
                FROM unnest(%s::uuid[], %s::integer[], %s::integer[], %s::numeric[], %s::numeric[])
                    AS v(id, old_stock, stock, cost, price)
                WHERE t.id = v.id AND t.merchant_id = %s AND t.supplier_stock = v.old_stock""",
                [now, *(list(column) for column in columns), merchant_id],
            )
            skipped += len(variant_rows) - cursor.rowcount
        if product_rows:
            columns = list(zip(*product_rows, strict=True))
            cursor.execute(
                """UPDATE inventory_product AS t
                SET supplier_stock = COALESCE(s.supplier, v.stock),
                    reserved_quantity = COALESCE(s.reserved, t.reserved_quantity),
                    stock_quantity = COALESCE(s.sellable, GREATEST(v.stock - t.reserved_quantity, 0)),
                    cost_price = v.cost, price = v.price, is_active = v.active,
                    is_available = v.available, auto_deactivated = v.auto, missing_count = v.missing,
                    last_sync_at = %s, updated_at = %s
                FROM unnest(%s::uuid[], %s::integer[], %s::integer[], %s::numeric[], %s::numeric[],
                            %s::boolean[], %s::boolean[], %s::boolean[], %s::smallint[])
                    AS v(id, old_stock, stock, cost, price, active, available, auto, missing)
                -- the sums of the variants as just written (a product without variants keeps its own figure)
                LEFT JOIN LATERAL (
                    SELECT SUM(pv.supplier_stock) AS supplier, SUM(pv.reserved_quantity) AS reserved,
                           SUM(pv.stock_quantity) AS sellable
                    FROM inventory_variant pv WHERE pv.product_id = v.id
                ) AS s ON TRUE
                WHERE t.id = v.id AND t.merchant_id = %s AND t.supplier_stock = v.old_stock""",
                [now, now, *(list(column) for column in columns), merchant_id],
            )
            skipped += len(product_rows) - cursor.rowcount
    return skipped


def _bulk_update_rows(
    merchant_id: Any, product_rows: Sequence[ProductRow], variant_rows: Sequence[VariantRow], now: Any
) -> int:
    variants = [
        Variant(id=r.id, supplier_stock=r.supplier_stock, cost_price=r.cost_price, price=r.price, updated_at=now)
        for r in variant_rows
    ]
    Variant.objects.bulk_update(variants, ["supplier_stock", "cost_price", "price", "updated_at"])
    Variant.objects.filter(pk__in=[r.id for r in variant_rows]).update(stock_quantity=sellable())
    products = [
        Product(id=r.id, last_sync_at=now, updated_at=now, **{name: getattr(r, name) for name in SYNC_STATE_FIELDS})
        for r in product_rows
    ]
    Product.objects.bulk_update(products, [*SYNC_STATE_FIELDS, "last_sync_at", "updated_at"])
    resum_products(merchant_id, (r.id for r in product_rows))
    return 0


def _supersede_held(merchant_id: Any, new_held: list[SyncChange]) -> None:
    """A newer held move of the same product replaces the older one awaiting review."""
    if not new_held:
        return
    SyncChange.objects.filter(
        merchant_id=merchant_id, status=ChangeStatus.HELD, product_id__in=[c.product.pk for c in new_held]
    ).update(status=ChangeStatus.REJECTED, note="Superseded by a newer supplier price.", decided_at=timezone.now())


# --- held price changes --------------------------------------------------------------------------


def approve_change(change: SyncChange, *, by: User | None = None) -> SyncChange:
    """Apply a held supplier cost move (and its price, unless the price is locked)."""
    with transaction.atomic():
        change = SyncChange.objects.select_for_update().select_related("product").get(pk=change.pk)
        if change.status != ChangeStatus.HELD:
            raise InvalidTransition(f"This change is {change.status}; only held changes can be approved.")
        locked = Product.objects.select_for_update(of=("self",)).select_related("pricing_rule")
        product = locked.get(pk=change.product_id)
        base = default_rule(get_inventory_settings(product.merchant))
        rule = rule_for_product(product, base)
        variant_costs = change.details.get("variants", {})
        variants = list(product.variants.filter(pk__in=list(variant_costs)))
        for variant in variants:
            variant.cost_price = Decimal(variant_costs[str(variant.pk)])
            if not product.price_locked:
                variant.price = price_for(variant.cost_price, rule)
        Variant.objects.bulk_update(variants, ["cost_price", "price"])
        product.cost_price = change.new_cost
        if not product.price_locked:
            product.price = price_for(change.new_cost, rule)
        product.save(update_fields=["cost_price", "price", "updated_at"])
        change.status = ChangeStatus.APPLIED
        change.new_price = product.price
        change.decided_by = by
        change.decided_at = timezone.now()
        change.save(update_fields=["status", "new_price", "decided_by", "decided_at"])
        record_event(
            "inventory.change_approved",
            merchant=product.merchant,
            actor=by,
            target=product,
            data={"change_id": str(change.pk), "new_cost": str(change.new_cost)},
        )
    return change


def reject_change(change: SyncChange, *, by: User | None = None) -> SyncChange:
    """Keep the current cost and price; the supplier's move is recorded as rejected."""
    with transaction.atomic():
        change = SyncChange.objects.select_for_update().get(pk=change.pk)
        if change.status != ChangeStatus.HELD:
            raise InvalidTransition(f"This change is {change.status}; only held changes can be rejected.")
        change.status = ChangeStatus.REJECTED
        change.decided_by = by
        change.decided_at = timezone.now()
        change.save(update_fields=["status", "decided_by", "decided_at"])
        record_event(
            "inventory.change_rejected",
            merchant=change.merchant,
            actor=by,
            data={"change_id": str(change.pk), "product_id": str(change.product_id)},
        )
    return change


# --- webhooks ---------------------------------------------------------------------------------


def apply_supplier_stock_event(merchant: Merchant, event: WebhookEvent) -> SyncRun | None:
    """A CJ product, variant or stock message: re-read the products it names at once.

    CJ's stock message carries only per-area totals and may arrive late or twice, so it
    is a prompt to read exact stock, not the stock itself. Returns the run, or None when
    the message names none of the merchant's products.
    """
    if event.topic.lower() not in ("product", "variant", "stock"):
        return None
    product_ids, variant_ids = set(), set()
    payload = event.payload or {}
    if event.product_id:
        product_ids.add(str(event.product_id))
    variant_ids.update(level.variant_id for level in event.stock)
    if payload.get("pid"):
        product_ids.add(str(payload["pid"]))
    if payload.get("vid"):
        variant_ids.add(str(payload["vid"]))
    if event.topic.lower() == "stock":
        variant_ids.update(str(key) for key, value in payload.items() if isinstance(value, list))
    if not product_ids and not variant_ids:
        return None
    matches = Product.objects.for_merchant(merchant).filter(
        Q(external_id__in=product_ids) | Q(variants__external_id__in=variant_ids)
    )
    ids = sorted({str(pk) for pk in matches.values_list("pk", flat=True)})
    if not ids:
        return None
    return start_sync(merchant, SyncTrigger.WEBHOOK, product_ids=ids, run_now=True)
