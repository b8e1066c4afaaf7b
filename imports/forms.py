from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from inventory.choices import MarkupType
from inventory.pricing import clean_markup
from nexusone.suppliers.base import CategoryNode

ALL_CATEGORIES = ("", "All categories")


class ImportForm(forms.Form):
    inputs = forms.CharField(
        label="CJ product URLs or product IDs",
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "https://www.cjdropshipping.com/product/…-p-….html"}),
        help_text="One per line, or separated by commas or spaces. Repeats count once.",
    )
    markup_type = forms.ChoiceField(
        label="Markup", required=False, choices=[("", "Store default"), *MarkupType.choices]
    )
    markup_value = forms.DecimalField(label="Markup value", required=False, min_value=0, decimal_places=4)
    category = forms.CharField(label="Category", required=False, max_length=200, help_text="Created if new.")
    tags = forms.CharField(label="Tags", required=False, max_length=1000, help_text="Separated by commas.")

    def clean(self) -> dict:
        data = super().clean()
        kind, value = data.get("markup_type"), data.get("markup_value")
        if kind and value is None:
            self.add_error("markup_value", "Give the markup value.")
        elif kind:
            try:
                data["markup"] = clean_markup({"type": kind, "value": str(value)})
            except ValidationError as exc:
                self.add_error("markup_value", exc.messages)
        else:
            data["markup"] = None
        data["tag_list"] = [t.strip() for t in (data.get("tags") or "").split(",") if t.strip()]
        return data


def category_choices(tree: list[CategoryNode]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Select groups "First › Second" holding the third-level categories a search filters by."""
    return [
        (f"{first.name} › {second.name}", [(leaf.category_id, leaf.name) for leaf in second.children])
        for first in tree
        for second in first.children
        if second.children
    ]


class CatalogSearchForm(forms.Form):
    keyword = forms.CharField(label="Keyword", required=False, max_length=200)
    category_id = forms.ChoiceField(label="Category", required=False, choices=[ALL_CATEGORIES])
    page = forms.IntegerField(required=False, min_value=1, max_value=1000, widget=forms.HiddenInput)

    def __init__(self, *args, categories: list[CategoryNode] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices: list = [ALL_CATEGORIES, *category_choices(categories or [])]
        requested = str(self.data.get("category_id") or "").strip()
        if not categories and requested and len(requested) <= 64:
            # The tree could not be read: a category already in the address still searches.
            choices.append((requested, requested))
        self.fields["category_id"].choices = choices
