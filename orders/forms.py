"""Forms of the order center: entering an order by hand, refunds, fulfillment settings."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from .countries import COUNTRY_CHOICES

MAX_ITEM_ROWS = 50


def _collect(label: str, *, max_length: int, required: bool = True, widget: type = forms.TextInput, **attrs):
    """A field that only collects what was typed: the API's serializer judges it (orders/entry.py), so the
    page and the API give the same messages. The browser still gets its hints (required, maxlength)."""
    attrs = {"maxlength": max_length, **({"required": True} if required else {}), **attrs}
    return forms.CharField(label=label, required=False, strip=False, widget=widget(attrs=attrs))


class OrderEntryForm(forms.Form):
    """Customer, address and shipping method of an order entered by hand."""

    reference = _collect("Order reference", max_length=50, placeholder="#1001")
    customer_name = _collect("Customer name", max_length=200, autocomplete="name")
    customer_email = _collect("Customer email", max_length=254, widget=forms.EmailInput, autocomplete="email")
    customer_phone = _collect("Phone", max_length=40, required=False, autocomplete="tel")
    line1 = _collect("Address", max_length=200, autocomplete="address-line1")
    line2 = _collect("Address line 2", max_length=200, required=False, autocomplete="address-line2")
    city = _collect("City", max_length=100, autocomplete="address-level2")
    province = _collect("State / province", max_length=100, required=False, autocomplete="address-level1")
    postal_code = _collect("Postal code", max_length=20, required=False, autocomplete="postal-code")
    country_code = forms.CharField(
        label="Country",
        required=False,
        widget=forms.Select(choices=[("", "Choose a country…"), *COUNTRY_CHOICES], attrs={"required": True}),
    )
    shipping_method = forms.CharField(required=False, widget=forms.HiddenInput)  # radios drawn by the page


class ItemRowForm(forms.Form):
    """One item: a catalog search, the variant picked from its results, how many."""

    search = forms.CharField(
        label="Find a product",
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Name or SKU in your catalog", "autocomplete": "off"}
        ),
    )
    variant = forms.CharField(required=False, widget=forms.HiddenInput)  # radios drawn by the page
    quantity = forms.CharField(
        label="Quantity",
        required=False,
        initial="1",
        widget=forms.NumberInput(attrs={"min": 1, "max": 10_000, "required": True}),
    )


ItemFormSet = forms.formset_factory(
    ItemRowForm, extra=0, min_num=1, max_num=MAX_ITEM_ROWS, absolute_max=MAX_ITEM_ROWS, validate_max=True
)


class RefundForm(forms.Form):
    amount = forms.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"), required=False)
    reason = forms.CharField(max_length=500, required=False)


class FulfillmentSettingsForm(forms.Form):
    pay_from_balance = forms.BooleanField(required=False, label="Pay CJ orders from my CJ balance automatically")
    from_country_code = forms.CharField(max_length=2, min_length=2, label="Ship from (warehouse country)")
