"""The analytics page's date range: a preset (7, 30, 90 days up to today) or custom store days."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError

from nexusone.accounts.models import Merchant

from .actions.periods import MAX_DAYS, Period, store_today
from .actions.windows import PRESETS


class PeriodForm(forms.Form):
    days = forms.TypedChoiceField(choices=[(d, f"{d} days") for d in PRESETS], coerce=int, required=False)
    start = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, merchant: Merchant, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.merchant = merchant

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if (start or end) and not data.get("days"):
            end = end or store_today(self.merchant)
            start = start or end - timedelta(days=29)
            if start > end:
                raise ValidationError({"start": "The range starts after it ends; pick an earlier From date."})
            if (end - start).days + 1 > MAX_DAYS:
                raise ValidationError({"start": f"Pick at most {MAX_DAYS} days."})
            data["period"] = Period(start, end)
        else:
            data["period"] = Period.ending(store_today(self.merchant), data.get("days") or 30)
        return data

    def period(self) -> Period:
        """The chosen period; the last 30 days when the input is invalid (the form shows why)."""
        if self.is_valid():
            return self.cleaned_data["period"]
        return Period.ending(store_today(self.merchant), 30)
