"""Catalog edits: one product (price, markup, category, tags...), bulk actions, delete; categories and tags."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from nexusone.core.audit import record_event

from ..models import MAX_TAGS_PER_PRODUCT, Category, Product, ProductFreshness, Tag
from ..pricing import CENT, parse_markup
from .preferences import get_inventory_settings
from .pricing import default_rule, rule_for_product
from .repricing import reprice

if TYPE_CHECKING:
    from nexusone.accounts.models import Merchant, User

MAX_CATEGORY_LENGTH = 200
MAX_TAG_LENGTH = 100


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
        found, _ = Category.objects.get_or_create(merchant=merchant, name=clean_category_name(value))
    if found is None:
        raise ValidationError({"category": f"Unknown category {value!r}."})
    return found


def clean_category_name(value: str | None) -> str:
    """A category name as stored (trimmed); one too long is refused naming `category`."""
    value = (value or "").strip()
    if len(value) > MAX_CATEGORY_LENGTH:
        raise ValidationError({"category": f"A category name has at most {MAX_CATEGORY_LENGTH} characters."})
    return value


def clean_tag_names(names: Iterable[Any]) -> list[str]:
    """Tag names trimmed, in order, blanks and repeats dropped; one too long, or more than a product may
    carry (imports, edits and bulk tagging alike), is refused naming `tags`."""
    cleaned = list(dict.fromkeys(str(n).strip() for n in names if n is not None and str(n).strip()))
    if len(cleaned) > MAX_TAGS_PER_PRODUCT:
        raise ValidationError({"tags": f"At most {MAX_TAGS_PER_PRODUCT} tags ({len(cleaned)} given)."})
    for name in cleaned:
        if len(name) > MAX_TAG_LENGTH:
            raise ValidationError({"tags": f"Tag {name[:20]!r}… is longer than {MAX_TAG_LENGTH} characters."})
    return cleaned


def resolve_tags(merchant: Merchant, names: Iterable[str]) -> list[Tag]:
    """Tags by name, created when new."""
    return [Tag.objects.get_or_create(merchant=merchant, name=name)[0] for name in clean_tag_names(names)]


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


def clean_product_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """Validate a product edit before anything is written; ValidationError names the field."""
    unknown = set(changes) - set(PRODUCT_EDIT_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be changed." for name in sorted(unknown)})
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
    return changes


def update_product(product: Product, *, by: User | None = None, **changes: Any) -> Product:
    """Edit a product; a new markup reprices it (unless locked). Validation errors name the field."""
    changes = clean_product_changes(changes)
    merchant = product.merchant
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
            reprice([product], lambda p: rule_for_product(p, base))
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
    external_id, subscribed = (
        product.external_id,
        ProductFreshness.objects.filter(product=product, subscribed_at__isnull=False).exists(),
    )
    product.delete()
    if subscribed:
        from ..tasks import unsubscribe_products_task

        merchant_id = str(product.merchant_id)
        transaction.on_commit(lambda: unsubscribe_products_task.delay(merchant_id, [external_id]))


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
            count = _set_markup(merchant, products, value)
        elif action == "set_category":
            category = resolve_category(merchant, value)
            count = products.update(category=category, updated_at=timezone.now())
        elif action == "add_tags":
            count = _add_tags(merchant, products, value)
        else:
            raise ValidationError({"action": f"Unknown bulk action {action!r}."})
        record_event("inventory.bulk_" + action, merchant=merchant, actor=by, data={"count": count})
    return count


def _set_markup(merchant: Merchant, products: Any, markup: Any) -> int:
    parse_markup(markup)
    count = products.update(markup=markup, updated_at=timezone.now())
    base = default_rule(get_inventory_settings(merchant))
    reprice(
        list(products.select_related("pricing_rule").prefetch_related("variants")),
        lambda p: rule_for_product(p, base),
    )
    return count


def _add_tags(merchant: Merchant, products: Any, value: Any) -> int:
    tags = resolve_tags(merchant, value if isinstance(value, list) else str(value or "").split(","))
    through = Product.tags.through
    rows = [through(product_id=pid, tag_id=tag.pk) for pid in products.values_list("pk", flat=True) for tag in tags]
    through.objects.bulk_create(rows, ignore_conflicts=True)
    return products.count()
