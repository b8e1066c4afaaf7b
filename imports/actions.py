"""Importing supplier products: parse what was asked, decide what can be imported, fetch and create.

Quota rule: a merchant's products plus the distinct PIDs still queued in its import
jobs never exceed the plan's product limit. Both the decision (when a job starts)
and the creation (when a batch is written) run under a lock on the merchant row,
so concurrent jobs cannot pass the limit; a PID already in the catalog is
`duplicate`, and the unique constraint (merchant, supplier, external_id) settles
any race the lock does not cover.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from inventory.models import Category, Product, Tag, Variant
from inventory.pricing import PriceRule, price_for
from inventory.stock import apply_stock_rules
from nexusone.accounts.choices import Plan
from nexusone.accounts.models import Merchant
from nexusone.accounts.plans import capabilities, cheapest_plan_for_products
from nexusone.core.audit import record_event
from nexusone.core.events import publish_event
from nexusone.suppliers.actions import get_supplier_account
from nexusone.suppliers.base import (
    Supplier,
    SupplierAuthError,
    SupplierError,
    SupplierNotFound,
    SupplierProduct,
    SupplierQuotaExhausted,
    SupplierRejected,
)
from nexusone.suppliers.registry import get_supplier

from .choices import ImportSource, ItemStatus, JobStatus
from .models import ImportItem, ImportJob
from .parsing import ParsedInput, parse_inputs
from .pricing import clean_markup, pricing_rule_for

if TYPE_CHECKING:
    from nexusone.accounts.models import User

logger = logging.getLogger(__name__)

SUPPLIER = "cj"
MAX_ITEMS_PER_IMPORT = 1000
MAX_TAGS = 20
BATCH_SIZE = 25
NOT_CONNECTED_MESSAGE = (
    "Connect your CJ account first: open Settings → CJ connection and paste the API key from My CJ → API."
)
COUNTER_FOR_STATUS = {
    ItemStatus.IMPORTED: "imported",
    ItemStatus.DUPLICATE: "duplicates",
    ItemStatus.INVALID: "invalid",
    ItemStatus.NOT_FOUND: "not_found",
    ItemStatus.PLAN_LIMIT: "plan_limit",
    ItemStatus.FAILED: "failed",
}


class SupplierNotConnected(ValidationError):
    """The merchant has no CJ connection to import through."""

    def __init__(self) -> None:
        super().__init__(NOT_CONNECTED_MESSAGE, code="supplier_not_connected")


# --- quota ---------------------------------------------------------------------------------------


def plan_limit_message(merchant: Merchant, wanted_total: int) -> str:
    """Why an item is over the limit, naming the plan that lifts it."""
    plan = Plan(merchant.plan)
    limit = capabilities(plan).product_limit
    needed = cheapest_plan_for_products(wanted_total) or Plan.PREMIUM
    if needed == plan:  # only happens when products were added elsewhere meanwhile
        needed = Plan.PREMIUM
    needed_caps = capabilities(needed)
    allowance = f"{needed_caps.product_limit} products" if needed_caps.product_limit else "unlimited products"
    return (
        f"Your {plan.label} plan allows {limit} products. "
        f"Upgrade to {Plan(needed).label} ({allowance}) in Settings → Plan to import more."
    )


def _reserved_pids(merchant: Merchant, *, exclude_job: ImportJob | None = None) -> set[str]:
    queued = ImportItem.objects.for_merchant(merchant).filter(status=ItemStatus.QUEUED)
    if exclude_job is not None:
        queued = queued.exclude(job=exclude_job)
    return set(queued.values_list("pid", flat=True).distinct())


def _products_held(merchant: Merchant, *, exclude_job: ImportJob | None = None) -> tuple[int, set[str]]:
    """Products in the catalog, and the PIDs queued imports hold a place for (not in the catalog yet)."""
    products = Product.objects.for_merchant(merchant)
    reserved = _reserved_pids(merchant, exclude_job=exclude_job)
    reserved -= set(products.filter(external_id__in=reserved).values_list("external_id", flat=True))
    return products.count(), reserved


def import_quota_left(merchant: Merchant) -> int | None:
    """How many more products the merchant can import now (None: unlimited)."""
    limit = capabilities(merchant.plan).product_limit
    if limit is None:
        return None
    in_catalog, reserved = _products_held(merchant)
    return max(0, limit - in_catalog - len(reserved))


# --- preview -------------------------------------------------------------------------------------


@dataclass
class PreviewRow:
    input: str
    pid: str
    status: str  # "new" or an ItemStatus
    message: str = ""


@dataclass
class ImportPreview:
    rows: list[PreviewRow] = field(default_factory=list)
    repeats: int = 0
    quota_left: int | None = None
    too_many: bool = False

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def new(self) -> int:
        return self.count("new")

    @property
    def duplicates(self) -> int:
        return self.count(ItemStatus.DUPLICATE)

    @property
    def invalid(self) -> int:
        return self.count(ItemStatus.INVALID)

    @property
    def over_limit(self) -> int:
        return self.count(ItemStatus.PLAN_LIMIT)


def preview_import(merchant: Merchant, values: list[str] | str) -> ImportPreview:
    """What an import of `values` would do now: parsed items, invalid lines, duplicates, the quota left."""
    parsed, repeats = parse_inputs(values)
    preview = ImportPreview(repeats=repeats, quota_left=import_quota_left(merchant))
    preview.too_many = len(parsed) > MAX_ITEMS_PER_IMPORT
    pids = [p.pid for p in parsed if p.pid]
    existing = set(
        Product.objects.for_merchant(merchant)
        .filter(supplier=SUPPLIER, external_id__in=pids)
        .values_list("external_id", flat=True)
    )
    room = preview.quota_left
    for item in parsed:
        if not item.valid:
            preview.rows.append(PreviewRow(item.input, "", ItemStatus.INVALID, item.error))
        elif item.pid in existing:
            preview.rows.append(PreviewRow(item.input, item.pid, ItemStatus.DUPLICATE, "Already in your catalog."))
        elif room is not None and room <= 0:
            preview.rows.append(PreviewRow(item.input, item.pid, ItemStatus.PLAN_LIMIT, "Over your plan's limit."))
        else:
            preview.rows.append(PreviewRow(item.input, item.pid, "new"))
            if room is not None:
                room -= 1
    return preview


# --- starting a job ------------------------------------------------------------------------------


def _clean_tags(tags: Iterable[str] | None) -> list[str]:
    cleaned: list[str] = []
    for tag in tags or []:
        name = str(tag).strip()
        if not name:
            continue
        if len(name) > 100:
            raise ValidationError({"tags": f"Tag {name[:20]!r}… is longer than 100 characters."})
        if name not in cleaned:
            cleaned.append(name)
    if len(cleaned) > MAX_TAGS:
        raise ValidationError({"tags": f"At most {MAX_TAGS} tags per import."})
    return cleaned


def _input_field(source: str) -> str:
    return "urls" if source == ImportSource.URL else "product_ids"


@transaction.atomic
def start_import(
    merchant: Merchant,
    *,
    source: str,
    inputs: list[str] | str,
    markup: dict[str, Any] | None = None,
    category: str = "",
    tags: Iterable[str] | None = None,
    user: User | None = None,
    extension_session: Any = None,
    dispatch: bool = True,
) -> ImportJob:
    """Create a job: invalid, duplicate and over-limit items are decided now; the rest queue for the task.

    `inputs` is pasted text (split into items) or a list whose every element is one item (parsing.split_inputs).
    """
    if source not in ImportSource.values:
        raise ValidationError({"source": f"Source must be one of {', '.join(ImportSource.values)}."})
    markup = clean_markup(markup)
    category = (category or "").strip()
    if len(category) > 200:
        raise ValidationError({"category": "A category name has at most 200 characters."})
    tag_names = _clean_tags(tags)
    parsed, _repeats = parse_inputs(inputs)
    if not parsed:
        raise ValidationError({_input_field(source): "Paste at least one CJ product URL or product ID."})
    if len(parsed) > MAX_ITEMS_PER_IMPORT:
        raise ValidationError(
            {_input_field(source): f"At most {MAX_ITEMS_PER_IMPORT} products per import ({len(parsed)} given)."}
        )
    if get_supplier_account(merchant) is None:
        raise SupplierNotConnected()

    locked = Merchant.objects.select_for_update().get(pk=merchant.pk)
    job = ImportJob.objects.create(
        merchant=locked,
        source=source,
        supplier=SUPPLIER,
        markup=markup,
        category_name=category,
        tag_names=tag_names,
        requested=len(parsed),
        created_by=user if user is not None and user.is_authenticated else None,
        extension_session=extension_session,
    )
    items = _decide_items(locked, job, parsed)
    ImportItem.objects.bulk_create(items)
    counts = _count(items)
    for status, counter in COUNTER_FOR_STATUS.items():
        setattr(job, counter, counts.get(status, 0))
    if not counts.get(ItemStatus.QUEUED):
        _finish(job)
    job.save()
    record_event(
        "import.started",
        merchant=locked,
        actor=job.created_by,
        target=job,
        data={"source": source, "requested": job.requested, "queued": counts.get(ItemStatus.QUEUED, 0)},
    )
    if dispatch and counts.get(ItemStatus.QUEUED):
        from .tasks import run_import_job_task

        transaction.on_commit(lambda: run_import_job_task.delay(str(job.pk)))
    return job


def _decide_items(merchant: Merchant, job: ImportJob, parsed: list[ParsedInput]) -> list[ImportItem]:
    """Under the merchant lock: invalid, duplicate, plan_limit now; queued items reserve quota."""
    pids = [p.pid for p in parsed if p.pid]
    products = Product.objects.for_merchant(merchant)
    existing = dict(products.filter(supplier=SUPPLIER, external_id__in=pids).values_list("external_id", "id"))
    limit = capabilities(merchant.plan).product_limit
    room = None
    reserved: set[str] = set()
    message = ""
    if limit is not None:
        in_catalog, reserved = _products_held(merchant, exclude_job=job)
        room = limit - in_catalog - len(reserved)
        new_pids = {p.pid for p in parsed if p.pid and p.pid not in existing and p.pid not in reserved}
        message = plan_limit_message(merchant, in_catalog + len(reserved) + len(new_pids))
    items = []
    for position, entry in enumerate(parsed):
        item = ImportItem(merchant=merchant, job=job, position=position, input=entry.input[:2000], pid=entry.pid)
        if not entry.valid:
            item.status, item.error = ItemStatus.INVALID, entry.error
        elif entry.pid in existing:
            item.status, item.product_id = ItemStatus.DUPLICATE, existing[entry.pid]
            item.error = "Already in your catalog."
        elif room is None or entry.pid in reserved:
            item.status = ItemStatus.QUEUED
        elif room > 0:
            item.status = ItemStatus.QUEUED
            room -= 1
        else:
            item.status = ItemStatus.PLAN_LIMIT
            item.error = message
        items.append(item)
    return items


def _count(items: Iterable[ImportItem]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item.status] = counts.get(item.status, 0) + 1
    return counts


def _finish(job: ImportJob) -> None:
    bad = job.invalid + job.not_found + job.plan_limit + job.failed
    if bad == 0:
        job.status = JobStatus.SUCCEEDED
    elif job.imported + job.duplicates == 0:
        job.status = JobStatus.FAILED
    else:
        job.status = JobStatus.PARTIAL
    job.finished_at = timezone.now()


# --- running a job -------------------------------------------------------------------------------


@dataclass
class Fetched:
    product: SupplierProduct | None = None
    stock: dict[str, int] | None = None
    status: str = ItemStatus.IMPORTED
    error: str = ""
    calls: int = 0


class _StopImport(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def fetch_product(supplier: Supplier, pid: str, countries: frozenset[str] | None = None) -> Fetched:
    """The product with its variants and their stock in `countries` (one stock call when the product carried none)."""
    result = Fetched(calls=1)
    try:
        product = supplier.get_product(pid)
    except SupplierNotFound:
        return Fetched(status=ItemStatus.NOT_FOUND, error="CJ has no product with this ID.", calls=1)
    except SupplierQuotaExhausted as exc:
        raise _StopImport(f"CJ's daily API points are used up; import the rest after the reset. ({exc})") from None
    except SupplierAuthError:
        raise _StopImport("CJ refused the API key; reconnect CJ in Settings → CJ connection.") from None
    except SupplierRejected as exc:
        return Fetched(status=ItemStatus.FAILED, error=f"CJ refused this product: {exc}", calls=1)
    except SupplierError as exc:
        return Fetched(status=ItemStatus.FAILED, error=f"CJ did not answer ({exc}); import it again later.", calls=1)
    result.product = product
    if all(v.stock is not None for v in product.variants):
        result.stock = {v.variant_id: v.stock.total(countries) for v in product.variants}
        return result
    result.calls += 1
    try:
        levels = supplier.get_product_stock(pid)
    except SupplierError:
        logger.warning("Stock of %s unavailable at import; the next sync fills it", pid, exc_info=True)
        return result  # stock stays unknown (0) until a sync reads it
    result.stock = {
        v.variant_id: levels[v.variant_id].total(countries) if v.variant_id in levels else 0 for v in product.variants
    }
    return result


def run_import_job(job_id: Any, *, supplier: Supplier | None = None) -> ImportJob:
    """Fetch the queued items of a job in batches and create their products. Idempotent: finished jobs stay.

    Calls go one after another: the CJ client's shared rate limiter paces them at the account's QPS."""
    job = ImportJob.objects.select_related("merchant").get(pk=job_id)
    if job.is_finished:
        return job
    if job.started_at is None:
        job.started_at = timezone.now()
    job.status = JobStatus.RUNNING
    ImportJob.objects.filter(pk=job.pk).update(status=job.status, started_at=job.started_at)
    _publish(job)
    queued = list(job.items.filter(status=ItemStatus.QUEUED).order_by("position"))
    try:
        if supplier is None:
            account = get_supplier_account(job.merchant)
            if account is None:
                raise _StopImport(NOT_CONNECTED_MESSAGE)
            supplier = get_supplier(account)
        context = _JobContext.build(job)
        for start in range(0, len(queued), BATCH_SIZE):
            batch = queued[start : start + BATCH_SIZE]
            fetched = [fetch_product(supplier, item.pid, context.countries) for item in batch]
            save_batch(job, context, list(zip(batch, fetched, strict=True)))
            _publish(job)
    except _StopImport as stop:
        _fail_items(job, queued, stop.message)
        job.error = stop.message
    except Exception:
        # Never leave a job running (its queued items would hold plan quota): fail what is left, then report.
        logger.exception("Import job %s stopped on an unexpected error", job.pk)
        job.error = "The import stopped on an unexpected error; import the failed items again."
        _fail_items(job, queued, job.error)
    job.refresh_from_db(fields=list(COUNTER_FOR_STATUS.values()))  # the stored counts are the truth
    _finish(job)
    ImportJob.objects.filter(pk=job.pk).update(
        status=job.status, finished_at=job.finished_at, error=job.error, updated_at=timezone.now()
    )
    _publish(job)
    _notify_finished(job)
    return job


@dataclass
class _JobContext:
    rule: PriceRule
    category_id: Any
    tag_ids: list[Any]
    countries: frozenset[str] | None = None
    categories: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def build(cls, job: ImportJob) -> _JobContext:
        merchant = job.merchant
        category_id = (
            _ensure_categories(merchant, [job.category_name])[job.category_name] if job.category_name else None
        )
        tag_ids = []
        if job.tag_names:
            Tag.objects.bulk_create([Tag(merchant=merchant, name=n) for n in job.tag_names], ignore_conflicts=True)
            tag_ids = list(
                Tag.objects.for_merchant(merchant).filter(name__in=job.tag_names).values_list("id", flat=True)
            )
        from inventory.actions import get_inventory_settings

        countries = get_inventory_settings(merchant).countries
        return cls(
            rule=pricing_rule_for(merchant, job.markup), category_id=category_id, tag_ids=tag_ids, countries=countries
        )


def _ensure_categories(merchant: Merchant, names: Iterable[str]) -> dict[str, Any]:
    names = {n[:200] for n in names if n}
    if not names:
        return {}
    existing = dict(Category.objects.for_merchant(merchant).filter(name__in=names).values_list("name", "id"))
    missing = names - set(existing)
    if missing:
        Category.objects.bulk_create([Category(merchant=merchant, name=n) for n in missing], ignore_conflicts=True)
        existing = dict(Category.objects.for_merchant(merchant).filter(name__in=names).values_list("name", "id"))
    return existing


def _url(value: str) -> str:
    value = (value or "").strip()
    return value if value.startswith(("http://", "https://")) and len(value) <= 1000 else ""


def _build_product(job: ImportJob, context: _JobContext, item: ImportItem, fetched: Fetched) -> tuple[Product, list]:
    source = fetched.product
    assert source is not None
    stock = fetched.stock or {}
    rule = context.rule
    category_id = context.category_id or context.categories.get(source.category_name[:200])
    images = [u for u in (source.images or ()) if _url(u)]
    product = Product(
        merchant_id=job.merchant_id,
        supplier=job.supplier,
        external_id=item.pid,
        name=(source.name or item.pid)[:500],
        sku=(source.sku or "")[:200],
        image_url=_url(source.image_url) or (images[0] if images else ""),
        source_url=_url(source.source_url) or _url(item.input),
        cost_price=Decimal(source.cost_price),
        price=price_for(Decimal(source.cost_price), rule),
        currency=source.currency or "USD",
        markup=job.markup,
        supplier_stock=sum(stock.values()),
        stock_quantity=sum(stock.values()),  # nothing is reserved yet: all of it can be sold
        is_available=source.on_sale,
        category_id=category_id,
        last_sync_at=timezone.now() if fetched.stock is not None else None,
        supplier_data={
            "imported_at": timezone.now().isoformat(),
            "name": source.name,
            "sku": source.sku,
            "cost_price": str(source.cost_price),
            "category_id": source.category_id,
            "category_name": source.category_name,
            "description": source.description,
            "images": images,
            "on_sale": source.on_sale,
            "stock_known": fetched.stock is not None,
        },
    )
    variants = [
        Variant(
            merchant_id=job.merchant_id,
            product=product,
            external_id=v.variant_id,
            sku=(v.sku or "")[:200],
            name=(v.name or "")[:500],
            attributes=dict(v.attributes or {}),
            image_url=_url(v.image_url),
            weight_grams=v.weight_grams,
            cost_price=Decimal(v.cost_price),
            price=price_for(Decimal(v.cost_price), rule),
            supplier_stock=stock.get(v.variant_id, 0),
            stock_quantity=stock.get(v.variant_id, 0),
        )
        for v in source.variants
    ]
    return product, variants


def save_batch(job: ImportJob, context: _JobContext, results: list[tuple[ImportItem, Fetched]]) -> None:
    """Write one fetched batch under the merchant lock: duplicates, plan limit, then products in bulk."""
    if not context.category_id:
        names = [f.product.category_name for _, f in results if f.product and f.product.category_name]
        missing = [n for n in names if n[:200] not in context.categories]
        if missing:
            context.categories.update(_ensure_categories(job.merchant, missing))
    now = timezone.now()
    with transaction.atomic():
        merchant = Merchant.objects.select_for_update().only("id", "plan").get(pk=job.merchant_id)
        # Another runner of the same job (a redelivered task) may have written some items already.
        still_queued = set(
            ImportItem.objects.filter(pk__in=[item.pk for item, _ in results], status=ItemStatus.QUEUED).values_list(
                "pk", flat=True
            )
        )
        results = [(item, fetched) for item, fetched in results if item.pk in still_queued]
        if not results:
            return
        pids = [item.pid for item, fetched in results if fetched.product is not None]
        products = Product.objects.for_merchant(merchant)
        existing = dict(products.filter(supplier=job.supplier, external_id__in=pids).values_list("external_id", "id"))
        limit = capabilities(merchant.plan).product_limit
        room = None if limit is None else limit - products.count()
        new: list[tuple[ImportItem, Product, list[Variant]]] = []
        for item, fetched in results:
            item.updated_at = now
            if fetched.product is None:
                item.status, item.error = fetched.status, fetched.error
            elif item.pid in existing:
                item.status, item.product_id, item.error = (
                    ItemStatus.DUPLICATE,
                    existing[item.pid],
                    "Already in your catalog.",
                )
            elif room is not None and room <= 0:
                item.status, item.error = ItemStatus.PLAN_LIMIT, plan_limit_message(merchant, limit + 1)
            else:
                product, variants = _build_product(job, context, item, fetched)
                new.append((item, product, variants))
                if room is not None:
                    room -= 1
        if new:
            Product.objects.bulk_create([p for _, p, _ in new], ignore_conflicts=True)
            inserted = set(Product.objects.filter(pk__in=[p.pk for _, p, _ in new]).values_list("pk", flat=True))
            lost = [item for item, product, _ in new if product.pk not in inserted]
            if lost:  # another writer created the same PID between our check and our insert
                winners = dict(
                    products.filter(supplier=job.supplier, external_id__in=[i.pid for i in lost]).values_list(
                        "external_id", "id"
                    )
                )
                for item in lost:
                    item.status, item.product_id = ItemStatus.DUPLICATE, winners.get(item.pid)
                    item.error = "Already in your catalog."
            Variant.objects.bulk_create([v for _, p, vs in new if p.pk in inserted for v in vs])
            if context.tag_ids:
                through = Product.tags.through
                through.objects.bulk_create(
                    [
                        through(product_id=p.pk, tag_id=t)
                        for _, p, _ in new
                        if p.pk in inserted
                        for t in context.tag_ids
                    ],
                    ignore_conflicts=True,
                )
            for item, product, _ in new:
                if product.pk in inserted:
                    item.status, item.product_id, item.error = ItemStatus.IMPORTED, product.pk, ""
            # Alerts and the out-of-stock action follow the imported stock at once (when CJ told us the stock).
            known = [p.pk for _, p, _ in new if p.pk in inserted and p.supplier_data.get("stock_known")]
            apply_stock_rules(merchant, known)
        items = [item for item, _ in results]
        _write_item_outcomes(items, now)
        counts = _count(items)
        deltas = {
            COUNTER_FOR_STATUS[s]: F(COUNTER_FOR_STATUS[s]) + n for s, n in counts.items() if s != ItemStatus.QUEUED
        }
        calls = sum(f.calls for _, f in results)
        ImportJob.objects.filter(pk=job.pk).update(api_calls=F("api_calls") + calls, updated_at=now, **deltas)
    for status, n in counts.items():
        if status != ItemStatus.QUEUED:
            counter = COUNTER_FOR_STATUS[status]
            setattr(job, counter, getattr(job, counter) + n)
    job.api_calls += calls


def _write_item_outcomes(items: list[ImportItem], now) -> None:
    """One UPDATE per (status, error) group, plus one for the product links (cheaper than a wide bulk_update)."""
    groups: dict[tuple[str, str], list[Any]] = {}
    for item in items:
        groups.setdefault((item.status, item.error), []).append(item.pk)
    for (status, error), pks in groups.items():
        ImportItem.objects.filter(pk__in=pks).update(status=status, error=error, updated_at=now)
    linked = [item for item in items if item.product_id is not None]
    if linked:
        ImportItem.objects.bulk_update(linked, ["product"])


def _fail_items(job: ImportJob, items: list[ImportItem], message: str) -> None:
    if not items:
        return
    failed = ImportItem.objects.filter(pk__in=[item.pk for item in items], status=ItemStatus.QUEUED).update(
        status=ItemStatus.FAILED, error=message, updated_at=timezone.now()
    )
    ImportJob.objects.filter(pk=job.pk).update(failed=F("failed") + failed)


def _publish(job: ImportJob) -> None:
    publish_event(
        job.merchant_id,
        "import.progress",
        {
            "job_id": str(job.pk),
            "status": job.status,
            "requested": job.requested,
            "processed": job.processed,
            "imported": job.imported,
            "progress": job.progress_percent,
        },
    )


def _notify_finished(job: ImportJob) -> None:
    from nexusone.notifications.actions import notify
    from nexusone.notifications.models import Level

    level = {JobStatus.SUCCEEDED: Level.SUCCESS, JobStatus.PARTIAL: Level.WARNING}.get(job.status, Level.ERROR)
    notify(
        job.merchant,
        "import.finished",
        title=f"Import finished: {job.imported} of {job.requested} imported",
        body=(
            f"{job.duplicates} already in the catalog, {job.invalid} invalid, {job.not_found} not found, "
            f"{job.plan_limit} over the plan limit, {job.failed} failed."
        ),
        level=level,
        link=reverse("imports:job", args=[job.pk]),
        data={"job_id": str(job.pk)},
    )
