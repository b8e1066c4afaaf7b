"""Forms of the order center: entering an order by hand, refunds, fulfillment settings."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from inventory.models import Variant

from .countries import is_country_code

LINE_ROWS = 3


class OrderEntryForm(forms.Form):
    reference = forms.CharField(max_length=50, help_text="Your store's order number, e.g. #1001.")
    customer_name = forms.CharField(max_length=200, label="Customer name")
    customer_email = forms.EmailField(label="Customer email")
    customer_phone = forms.CharField(max_length=40, required=False, label="Phone")
    line1 = forms.CharField(max_length=200, label="Address")
    line2 = forms.CharField(max_length=200, required=False, label="Address line 2")
    city = forms.CharField(max_length=100)
    province = forms.CharField(max_length=100, required=False, label="State / province")
    postal_code = forms.CharField(max_length=20, required=False, label="Postal code")
    country_code = forms.CharField(max_length=2, min_length=2, label="Country code", help_text="e.g. US")
    shipping_method = forms.CharField(max_length=200, required=False, help_text="Empty: the cheapest CJ offers.")

    def __init__(self, *args, merchant=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        variants = Variant.objects.for_merchant(merchant).select_related("product").order_by("product__name", "name")
        choices = [("", "—")] + [
            (str(v.pk), f"{v.product.name} / {v.name or v.sku} ({v.available_quantity} available)") for v in variants
        ]
        for row in range(LINE_ROWS):
            self.fields[f"variant_{row}"] = forms.ChoiceField(
                choices=choices, required=row == 0, label=f"Item {row + 1}"
            )
            self.fields[f"quantity_{row}"] = forms.IntegerField(
                min_value=1, max_value=10_000, required=row == 0, initial=1 if row == 0 else None, label="Quantity"
            )
        self.variant_products = {str(v.pk): str(v.product_id) for v in variants}

    def clean_country_code(self) -> str:
        code = self.cleaned_data["country_code"].upper()
        if not is_country_code(code):
            raise forms.ValidationError(f"{code!r} is not an ISO 3166 country code (e.g. US, DE, FR).")
        return code

    def clean(self) -> dict:
        data = super().clean()
        for row in range(LINE_ROWS):
            if data.get(f"variant_{row}") and not data.get(f"quantity_{row}"):
                self.add_error(f"quantity_{row}", "How many?")
        return data

    def line_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"variant_{row}"], self[f"quantity_{row}"]) for row in range(LINE_ROWS)]

    def items(self) -> list[tuple[str, str, int]]:
        """(product_id, variant_id, quantity) of the filled rows."""
        rows = []
        for row in range(LINE_ROWS):
            variant_id = self.cleaned_data.get(f"variant_{row}")
            if variant_id:
                rows.append((self.variant_products[variant_id], variant_id, self.cleaned_data[f"quantity_{row}"]))
        return rows


class RefundForm(forms.Form):
    amount = forms.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"), required=False)
    reason = forms.CharField(max_length=500, required=False)


class FulfillmentSettingsForm(forms.Form):
    pay_from_balance = forms.BooleanField(required=False, label="Pay CJ orders from my CJ balance automatically")
    from_country_code = forms.CharField(max_length=2, min_length=2, label="Ship from (warehouse country)")
