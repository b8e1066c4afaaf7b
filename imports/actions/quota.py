"""The plan's product limit for imports: what is held, what is left, and the message naming the plan that lifts it.

A merchant's products plus the distinct PIDs still queued in its import jobs never exceed the limit;
the decisions that rely on it run under a lock on the merchant row (see `start` and `create`).
"""

from __future__ import annotations

from inventory.models import Product
from nexusone.accounts.choices import Plan
from nexusone.accounts.models import Merchant
from nexusone.accounts.plans import capabilities, cheapest_plan_for_products

from ..choices import ItemStatus
from ..models import ImportItem, ImportJob


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


def _queued_pids(merchant: Merchant, *, exclude_job: ImportJob | None = None) -> set[str]:
    queued = ImportItem.objects.for_merchant(merchant).filter(status=ItemStatus.QUEUED)
    if exclude_job is not None:
        queued = queued.exclude(job=exclude_job)
    return set(queued.values_list("pid", flat=True).distinct())


def products_held(merchant: Merchant, *, exclude_job: ImportJob | None = None) -> tuple[int, set[str]]:
    """Products in the catalog, and the PIDs queued imports hold a place for (not in the catalog yet)."""
    products = Product.objects.for_merchant(merchant)
    reserved = _queued_pids(merchant, exclude_job=exclude_job)
    reserved -= set(products.filter(external_id__in=reserved).values_list("external_id", flat=True))
    return products.count(), reserved


def import_quota_left(merchant: Merchant) -> int | None:
    """How many more products the merchant can import now (None: unlimited)."""
    limit = capabilities(merchant.plan).product_limit
    if limit is None:
        return None
    in_catalog, reserved = products_held(merchant)
    return max(0, limit - in_catalog - len(reserved))
