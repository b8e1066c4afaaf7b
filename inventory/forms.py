from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from nexusone.accounts.choices import SyncFrequency

from .choices import MarkupType, OutOfStockAction, PriceCycle
from .pricing import PriceRule, parse_markup

BULK_ACTIONS = [
    ("sync", "Sync selected"),
    ("activate", "Activate"),
    ("deactivate", "Deactivate"),
    ("set_markup", "Set markup"),
    ("set_category", "Set category"),
    ("add_tags", "Add tags"),
]


class PricingRuleForm(forms.Form):
    markup_type = forms.ChoiceField(choices=MarkupType.choices, label="Markup")
    markup_value = forms.DecimalField(min_value=Decimal("0"), max_digits=10, decimal_places=2, label="Value")
    round_to_99 = forms.BooleanField(required=False, label="End prices in .99")
    minimum_profit = forms.DecimalField(
        min_value=Decimal("0"), max_digits=10, decimal_places=2, initial=Decimal("0"), label="Minimum profit"
    )

    def clean(self):
        data = super().clean()
        if data.get("markup_type") and data.get("markup_value") is not None:
            try:
                parse_markup({"type": data["markup_type"], "value": data["markup_value"]})
            except ValidationError as exc:
                self.add_error("markup_value", exc.message_dict["markup"])
        return data

    def to_rule(self) -> PriceRule:
        data = self.cleaned_data
        return PriceRule(data["markup_type"], data["markup_value"], data["round_to_99"], data["minimum_profit"])


class InventorySettingsForm(forms.Form):
    low_stock_threshold = forms.IntegerField(min_value=0, label="Low-stock threshold")
    sync_frequency = forms.ChoiceField(
        choices=SyncFrequency.choices,
        label="Stock freshness target",
        help_text="The planner refreshes stock this often within your daily CJ points, most needed products first.",
    )
    price_cycle = forms.ChoiceField(
        choices=PriceCycle.choices,
        required=False,
        label="Read supplier costs",
        help_text="Costs change less often than stock and CJ announces changes; each read costs points.",
    )
    out_of_stock_action = forms.ChoiceField(choices=OutOfStockAction.choices, label="When a product runs out")
    reactivate_when_back = forms.BooleanField(required=False, label="Reactivate when back in stock")
    price_guardrail_percent = forms.DecimalField(
        min_value=Decimal("0"), max_digits=6, decimal_places=2, label="Hold cost moves above (%)"
    )
    ship_from_countries = forms.CharField(
        required=False, label="Ship-from countries", help_text="Warehouse country codes, e.g. CN, US; empty: all."
    )

    def __init__(self, *args, merchant=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if merchant is not None:
            allowed = merchant.capabilities.sync_frequencies
            self.fields["sync_frequency"].choices = [c for c in SyncFrequency.choices if c[0] in allowed]

    def clean(self):
        data = super().clean()
        if not data.get("price_cycle"):
            data.pop("price_cycle", None)  # left out: the cycle stays as it is
        return data


class BulkActionForm(forms.Form):
    action = forms.ChoiceField(choices=BULK_ACTIONS)
    selected = forms.MultipleChoiceField(choices=[], error_messages={"required": "Select at least one product."})
    markup_type = forms.ChoiceField(choices=MarkupType.choices, required=False)
    markup_value = forms.DecimalField(min_value=Decimal("0"), required=False)
    value = forms.CharField(required=False, max_length=500)

    def __init__(self, *args, product_ids=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["selected"].choices = [(str(pk), str(pk)) for pk in product_ids]


class PriceEditForm(forms.Form):
    price = forms.DecimalField(min_value=Decimal("0"), max_digits=12, decimal_places=2)
    price_locked = forms.BooleanField(required=False)
