"""The plan capability table and the one function that asks it."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from nexusone.core.exceptions import PlanRequired

from .choices import Plan, SyncFrequency


@dataclass(frozen=True)
class PlanCapabilities:
    plan: str
    product_limit: int | None  # None: unlimited
    sync_frequencies: frozenset[str]
    automatic_fulfillment: bool
    chrome_extension: bool


_SLOW = frozenset({SyncFrequency.OFF, SyncFrequency.DAILY, SyncFrequency.WEEKLY})
_ALL = _SLOW | {SyncFrequency.HOURLY}

PLAN_CAPABILITIES: dict[str, PlanCapabilities] = {
    Plan.FREE: PlanCapabilities(Plan.FREE, 10, _SLOW, automatic_fulfillment=False, chrome_extension=False),
    Plan.PRO: PlanCapabilities(Plan.PRO, 100, _ALL, automatic_fulfillment=True, chrome_extension=False),
    Plan.PREMIUM: PlanCapabilities(Plan.PREMIUM, None, _ALL, automatic_fulfillment=True, chrome_extension=True),
}

FEATURES = ("automatic_fulfillment", "chrome_extension")


class PlanFeatureMissing(ValidationError):
    """A field asks for something the plan lacks: a form shows it beside the field; the API answers
    403 `plan_required` (DESIGN.md §6)."""


def capabilities(plan: str) -> PlanCapabilities:
    return PLAN_CAPABILITIES[plan]


def cheapest_plan_with(feature: str) -> str:
    for plan in (Plan.FREE, Plan.PRO, Plan.PREMIUM):
        if getattr(PLAN_CAPABILITIES[plan], feature):
            return plan
    raise ValueError(feature)


def cheapest_plan_for_products(count: int) -> str | None:
    for plan in (Plan.FREE, Plan.PRO, Plan.PREMIUM):
        limit = PLAN_CAPABILITIES[plan].product_limit
        if limit is None or count <= limit:
            return plan
    return None


def require_feature(plan: str, feature: str) -> None:
    """Raise PlanRequired (403 `plan_required`) unless `plan` has `feature`."""
    if feature not in FEATURES:
        raise ValueError(f"Unknown plan feature {feature!r}")
    if not getattr(capabilities(plan), feature):
        needed = Plan(cheapest_plan_with(feature)).label
        label = feature.replace("_", " ")
        raise PlanRequired(f"The {label} needs the {needed} plan; upgrade in Settings → Plan.")


@dataclass(frozen=True)
class PlanRow:
    """One plan as the comparison on Settings → Plan shows it."""

    plan: str
    label: str
    products: str
    sync: str
    automatic_fulfillment: bool
    chrome_extension: bool


_SYNC_ORDER = (SyncFrequency.HOURLY, SyncFrequency.DAILY, SyncFrequency.WEEKLY)


def plan_comparison() -> list[PlanRow]:
    """The three plans side by side, read from PLAN_CAPABILITIES (the one table)."""
    rows = []
    for plan in (Plan.FREE, Plan.PRO, Plan.PREMIUM):
        caps = PLAN_CAPABILITIES[plan]
        limit = caps.product_limit
        sync = ", ".join(str(f.label).lower() for f in _SYNC_ORDER if f in caps.sync_frequencies)
        rows.append(
            PlanRow(
                plan=plan,
                label=Plan(plan).label,
                products=f"up to {limit}" if limit is not None else "unlimited",
                sync=sync,
                automatic_fulfillment=caps.automatic_fulfillment,
                chrome_extension=caps.chrome_extension,
            )
        )
    return rows
