"""Creating imported products: a fetched batch is written under the merchant lock, rechecking duplicates
and the plan limit, then products, variants and tags in bulk; each item records its outcome."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from inventory.actions.preferences import get_inventory_settings
from inventory.actions.pricing import rule_with_markup
from inventory.models import Category, Product, ProductFreshness, Tag, Variant
from inventory.pricing import PriceRule, price_for
from inventory.stock import apply_stock_rules
from nexusone.accounts.models import Merchant
from nexusone.accounts.plans import capabilities
from nexusone.suppliers.base import SupplierProduct

from ..choices import ItemStatus
from ..models import ImportItem, ImportJob
from .quota import plan_limit_message
from .start import ALREADY_IN_CATALOG
from .status import COUNTER_FOR_STATUS, count_statuses


@dataclass
class FetchedItem:
    """What the supplier said about one item: the product with its stock per variant, or why there is none."""

    product: SupplierProduct | None = None
    stock: dict[str, int] | None = None  # units per variant id in the ship-from countries; None: unknown
    status: str = ItemStatus.IMPORTED
    error: str = ""
    calls: int = 0


@dataclass
class JobContext:
    """What every product of a job shares: its pricing rule, category, tags and ship-from countries."""

    rule: PriceRule
    category_id: Any
    tag_ids: list[Any]
    countries: frozenset[str] | None = None
    categories: dict[str, Any] = field(default_factory=dict)  # the supplier's category names met so far

    @classmethod
    def build(cls, job: ImportJob) -> JobContext:
        merchant = job.merchant
        category_id = ensure_categories(merchant, [job.category_name])[job.category_name] if job.category_name else None
        tag_ids = []
        if job.tag_names:
            Tag.objects.bulk_create([Tag(merchant=merchant, name=n) for n in job.tag_names], ignore_conflicts=True)
            tag_ids = list(
                Tag.objects.for_merchant(merchant).filter(name__in=job.tag_names).values_list("id", flat=True)
            )
        countries = get_inventory_settings(merchant).countries
        rule = rule_with_markup(merchant, job.markup)
        return cls(rule=rule, category_id=category_id, tag_ids=tag_ids, countries=countries)


def ensure_categories(merchant: Merchant, names: Iterable[str]) -> dict[str, Any]:
    """The ids of categories by name, created when new (one query when all exist)."""
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


def build_product(
    job: ImportJob, context: JobContext, item: ImportItem, fetched: FetchedItem
) -> tuple[Product, list[Variant]]:
    """The unsaved product and variants of one fetched item, priced by the job's rule."""
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


def save_batch(job: ImportJob, context: JobContext, results: list[tuple[ImportItem, FetchedItem]]) -> None:
    """Write one fetched batch under the merchant lock: duplicates, plan limit, then products in bulk."""
    if not context.category_id:
        names = [f.product.category_name for _, f in results if f.product and f.product.category_name]
        missing = [n for n in names if n[:200] not in context.categories]
        if missing:
            context.categories.update(ensure_categories(job.merchant, missing))
    now = timezone.now()
    with transaction.atomic():
        merchant = Merchant.objects.select_for_update().only("id", "plan").get(pk=job.merchant_id)
        results = _still_queued(results)
        if not results:
            return
        new = _decide_fetched(job, context, merchant, results, now)
        if new:
            _insert_products(job, context, merchant, new)
        items = [item for item, _ in results]
        _write_item_outcomes(items, now)
        counts = count_statuses(items)
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


def _still_queued(results: list[tuple[ImportItem, FetchedItem]]) -> list[tuple[ImportItem, FetchedItem]]:
    """Another runner of the same job (a redelivered task) may have written some items already."""
    queued = ImportItem.objects.filter(pk__in=[item.pk for item, _ in results], status=ItemStatus.QUEUED)
    still_queued = set(queued.values_list("pk", flat=True))
    return [(item, fetched) for item, fetched in results if item.pk in still_queued]


NewProduct = tuple[ImportItem, Product, list[Variant]]


def _decide_fetched(
    job: ImportJob, context: JobContext, merchant: Merchant, results: list[tuple[ImportItem, FetchedItem]], now: Any
) -> list[NewProduct]:
    """Each item's outcome under the lock (not found, duplicate, over the limit); the rest become new products."""
    pids = [item.pid for item, fetched in results if fetched.product is not None]
    products = Product.objects.for_merchant(merchant)
    existing = dict(products.filter(supplier=job.supplier, external_id__in=pids).values_list("external_id", "id"))
    limit = capabilities(merchant.plan).product_limit
    room = None if limit is None else limit - products.count()
    new: list[NewProduct] = []
    for item, fetched in results:
        item.updated_at = now
        if fetched.product is None:
            item.status, item.error = fetched.status, fetched.error
        elif item.pid in existing:
            item.status, item.product_id, item.error = ItemStatus.DUPLICATE, existing[item.pid], ALREADY_IN_CATALOG
        elif room is not None and room <= 0:
            item.status, item.error = ItemStatus.PLAN_LIMIT, plan_limit_message(merchant, limit + 1)
        else:
            product, variants = build_product(job, context, item, fetched)
            new.append((item, product, variants))
            if room is not None:
                room -= 1
    return new


def _insert_products(job: ImportJob, context: JobContext, merchant: Merchant, new: list[NewProduct]) -> None:
    """Products, variants and tags in bulk; a PID another writer created meanwhile is a duplicate."""
    Product.objects.bulk_create([p for _, p, _ in new], ignore_conflicts=True)
    inserted = set(Product.objects.filter(pk__in=[p.pk for _, p, _ in new]).values_list("pk", flat=True))
    lost = [item for item, product, _ in new if product.pk not in inserted]
    if lost:  # another writer created the same PID between our check and our insert
        winners = dict(
            Product.objects.for_merchant(merchant)
            .filter(supplier=job.supplier, external_id__in=[i.pid for i in lost])
            .values_list("external_id", "id")
        )
        for item in lost:
            item.status, item.product_id, item.error = ItemStatus.DUPLICATE, winners.get(item.pid), ALREADY_IN_CATALOG
    Variant.objects.bulk_create([v for _, p, vs in new if p.pk in inserted for v in vs])
    if context.tag_ids:
        through = Product.tags.through
        through.objects.bulk_create(
            [through(product_id=p.pk, tag_id=t) for _, p, _ in new if p.pk in inserted for t in context.tag_ids],
            ignore_conflicts=True,
        )
    for item, product, _ in new:
        if product.pk in inserted:
            item.status, item.product_id, item.error = ItemStatus.IMPORTED, product.pk, ""
    # Alerts and the out-of-stock action follow the imported stock at once (when CJ told us the stock).
    known = [p.pk for _, p, _ in new if p.pk in inserted and p.supplier_data.get("stock_known")]
    apply_stock_rules(merchant, known)
    # An import is a read: its costs now, its stock when CJ told it (the planner reads the rest first).
    now = timezone.now()
    ProductFreshness.objects.bulk_create(
        [
            ProductFreshness(
                product_id=p.pk,
                merchant_id=merchant.pk,
                price_read_at=now,
                stock_read_at=now if p.supplier_data.get("stock_known") else None,
            )
            for _, p, _ in new
            if p.pk in inserted
        ],
        ignore_conflicts=True,
    )


def _write_item_outcomes(items: list[ImportItem], now: Any) -> None:
    """One UPDATE per (status, error) group, plus one for the product links (cheaper than a wide bulk_update)."""
    groups: dict[tuple[str, str], list[Any]] = {}
    for item in items:
        groups.setdefault((item.status, item.error), []).append(item.pk)
    for (status, error), pks in groups.items():
        ImportItem.objects.filter(pk__in=pks).update(status=status, error=error, updated_at=now)
    linked = [item for item in items if item.product_id is not None]
    if linked:
        ImportItem.objects.bulk_update(linked, ["product"])
