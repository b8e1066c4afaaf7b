"""The merchant's inventory settings and default pricing rule: read (created on first use), changed, kept in plan."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from nexusone.accounts.plans import PlanFeatureMissing
from nexusone.core.audit import record_event

from ..models import InventorySettings, PricingRule
from ..pricing import parse_markup
from .schedules import allowed_frequency, schedule_syncs

if TYPE_CHECKING:
    from nexusone.accounts.models import Merchant, User

SETTINGS_FIELDS = (
    "low_stock_threshold",
    "sync_frequency",
    "price_cycle",
    "out_of_stock_action",
    "reactivate_when_back",
    "price_guardrail_percent",
    "ship_from_countries",
)
RULE_FIELDS = ("markup_type", "markup_value", "round_to_99", "minimum_profit")


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


def update_inventory_settings(merchant: Merchant, *, by: User | None = None, **changes: Any) -> InventorySettings:
    """Change settings (and the default pricing rule's fields); reschedules syncs. Plan limits apply."""
    unknown = set(changes) - set(SETTINGS_FIELDS) - set(RULE_FIELDS)
    if unknown:
        raise ValidationError({name: "Unknown setting." for name in sorted(unknown)})
    _refuse_frequency_outside_plan(merchant, changes.get("sync_frequency"))
    if "ship_from_countries" in changes:
        changes["ship_from_countries"] = clean_countries(changes["ship_from_countries"])
    with transaction.atomic():
        inventory_settings = get_inventory_settings(merchant)
        for name in SETTINGS_FIELDS:
            if name in changes:
                setattr(inventory_settings, name, changes[name])
        inventory_settings.full_clean(exclude=["merchant", "default_pricing_rule"])
        inventory_settings.save()
        rule_changes = {name: changes[name] for name in RULE_FIELDS if name in changes}
        if rule_changes:
            update_default_rule(inventory_settings, rule_changes)
        schedule_syncs(merchant, inventory_settings)
        record_event("inventory.settings_changed", merchant=merchant, actor=by, data={"fields": sorted(changes)})
    return inventory_settings


def update_default_rule(inventory_settings: InventorySettings, rule_changes: dict[str, Any]) -> PricingRule:
    """Change fields of the merchant's default pricing rule (created if it has none); the markup is validated."""
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


def _refuse_frequency_outside_plan(merchant: Merchant, frequency: str | None) -> None:
    if frequency is not None and frequency not in merchant.capabilities.sync_frequencies:
        allowed = ", ".join(sorted(merchant.capabilities.sync_frequencies))
        raise PlanFeatureMissing(
            {"sync_frequency": f"Your {merchant.get_plan_display()} plan allows: {allowed}. Upgrade for hourly syncs."}
        )


def clean_countries(countries: Any) -> list[str]:
    """Ship-from countries as sorted upper-case two-letter codes; text may separate them by commas or spaces."""
    countries = countries or []
    if isinstance(countries, str):
        countries = [c for c in countries.replace(",", " ").split() if c]
    if not all(isinstance(c, str) and len(c.strip()) == 2 and c.strip().isalpha() for c in countries):
        raise ValidationError({"ship_from_countries": "Give two-letter country codes, e.g. CN, US."})
    return sorted({c.strip().upper() for c in countries})


def on_plan_changed(merchant: Merchant, old_plan: str, new_plan: str) -> None:
    """A plan without hourly syncs moves an hourly schedule to daily."""
    inventory_settings = get_inventory_settings(merchant)
    frequency = allowed_frequency(merchant, inventory_settings.sync_frequency)
    if frequency != inventory_settings.sync_frequency:
        inventory_settings.sync_frequency = frequency
        inventory_settings.save(update_fields=["sync_frequency", "updated_at"])
    schedule_syncs(merchant, inventory_settings)
