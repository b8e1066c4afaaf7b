"""Entering an order by hand: item rows picked from the catalog, CJ's shipping options, then the order.

The page only collects. It builds the API's request bodies and lets the API's serializers and the order
actions judge them (CreateSerializer, QuoteSerializer, `quote_items`, `create_order`), so an order typed
here meets the same rules and messages as one sent to POST /api/order-fulfillment. Errors come back named
as the API names them (`items.0.quantity`, `shipping_address.city`) and land beside the field holding
the value.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import QueryDict
from django.utils.functional import cached_property
from drf_standardized_errors.formatter import flatten_errors
from rest_framework.exceptions import APIException

from inventory.filters import ProductFilter
from inventory.models import Product, Variant
from nexusone.core.api import api_validation_error
from nexusone.suppliers.base import ShippingQuote

from . import actions
from .api.serializers import CreateSerializer, QuoteSerializer
from .choices import OrderSource
from .forms import MAX_ITEM_ROWS, ItemFormSet, ItemRowForm, OrderEntryForm

if TYPE_CHECKING:
    from nexusone.accounts.models import Merchant, User

    from .models import Order

PREFIX = "items"
ROW_FIELDS = ("search", "variant", "quantity")
SEARCH_LIMIT = 8
TRIGGER_NAME = re.compile(rf"^{PREFIX}-(\d+)-search$")
NOT_IN_CATALOG = "This product is not in your catalog any more; search for it again."

# Where the API's error attributes are shown on the page (the rest go above the form).
FORM_FIELD_FOR = {
    "reference": "reference",
    "customer.name": "customer_name",
    "customer.email": "customer_email",
    "customer.phone": "customer_phone",
    "shipping_address.name": "customer_name",
    "shipping_address.phone": "customer_phone",
    "shipping_address.line1": "line1",
    "shipping_address.line2": "line2",
    "shipping_address.city": "city",
    "shipping_address.province": "province",
    "shipping_address.postal_code": "postal_code",
    "shipping_address.country_code": "country_code",
    "shipping_address": "country_code",  # CJ cannot ship there
    "country_code": "country_code",
    "shipping_method": "shipping_method",
}
ROW_FIELD_FOR = {"product_id": "variant", "variant_id": "variant", "quantity": "quantity"}


# --- rows added and removed (plain form posts: no JavaScript needed) -------------------------------------------


def _row_count(data: QueryDict) -> int:
    try:
        return max(1, min(int(data.get(f"{PREFIX}-TOTAL_FORMS", 1)), MAX_ITEM_ROWS))
    except (TypeError, ValueError):
        return 1


def with_row_added(data: QueryDict) -> QueryDict:
    data = data.copy()
    count = _row_count(data)
    if count < MAX_ITEM_ROWS:
        data[f"{PREFIX}-TOTAL_FORMS"] = str(count + 1)
        data[f"{PREFIX}-{count}-quantity"] = "1"
    return data


def with_row_removed(data: QueryDict, index: int) -> QueryDict:
    """The rows without row `index`, renumbered; the last row left is emptied instead."""
    data = data.copy()
    count = _row_count(data)
    if not 0 <= index < count:
        return data
    for row in range(index, count - 1):
        for name in ROW_FIELDS:
            data[f"{PREFIX}-{row}-{name}"] = data.get(f"{PREFIX}-{row + 1}-{name}", "")
    for name in ROW_FIELDS:
        data.pop(f"{PREFIX}-{count - 1}-{name}", None)
    if count == 1:
        data[f"{PREFIX}-0-quantity"] = "1"
    data[f"{PREFIX}-TOTAL_FORMS"] = str(max(count - 1, 1))
    return data


def data_for_intent(data: QueryDict, intent: str) -> QueryDict:
    if intent == "add":
        return with_row_added(data)
    if intent.startswith("remove:") and intent[7:].isdigit():
        return with_row_removed(data, int(intent[7:]))
    return data


# --- the catalog picker --------------------------------------------------------------------------------------


def find_products(merchant: Merchant, query: str, limit: int = SEARCH_LIMIT) -> list[Product]:
    """The merchant's products matching `query` as the inventory search matches them, with their variants."""
    query = query.strip()
    if not query:
        return []
    matching = ProductFilter({"search": query}, queryset=Product.objects.for_merchant(merchant), merchant=merchant).qs
    variants = Prefetch("variants", queryset=Variant.objects.order_by("name", "sku"))
    return list(matching.order_by("name", "pk").prefetch_related(variants)[:limit])


def _as_uuid(value: str) -> str | None:
    try:
        return str(uuid.UUID(value))
    except (TypeError, ValueError, AttributeError):
        return None


@dataclass
class ItemRow:
    """One item row as the page shows it: its form, the variant picked, and what its search found."""

    index: int
    form: ItemRowForm
    chosen: Variant | None = None
    results: list[Product] = field(default_factory=list)

    @property
    def chosen_id(self) -> str:
        return str(self.chosen.pk) if self.chosen else str(self.form["variant"].value() or "")

    @property
    def query(self) -> str:
        return str(self.form["search"].value() or "").strip()

    @property
    def chosen_in_results(self) -> bool:
        return self.chosen is not None and any(p.pk == self.chosen.product_id for p in self.results)


# --- the page ------------------------------------------------------------------------------------------------


class OrderEntry:
    """The manual order page's state: what was typed, the rows, the shipping options, the errors."""

    def __init__(self, merchant: Merchant, data: QueryDict | None = None) -> None:
        self.merchant = merchant
        self.form = OrderEntryForm(data)
        self.items = ItemFormSet(data, prefix=PREFIX)
        self.item_errors: list[str] = []
        self.options: list[ShippingQuote] = []
        self._sent_rows: list[int] = []  # the page row of each item in the last body sent

    # rows ---------------------------------------------------------------------------------------------------
    @cached_property
    def rows(self) -> list[ItemRow]:
        forms = list(self.items.forms) if self._management_ok else [ItemRowForm(prefix=f"{PREFIX}-0")]
        picked = {_as_uuid(str(form["variant"].value() or "")) for form in forms} - {None}
        variants = Variant.objects.for_merchant(self.merchant).filter(pk__in=picked).select_related("product")
        by_id = {str(v.pk): v for v in variants}
        rows = []
        for index, form in enumerate(forms):
            rows.append(ItemRow(index, form, chosen=by_id.get(_as_uuid(str(form["variant"].value() or "")) or "")))
        return rows

    @cached_property
    def _management_ok(self) -> bool:
        return not self.items.is_bound or self.items.management_form.is_valid()

    def search_rows(self, only: int | None = None) -> None:
        """Fill the results of the rows whose search box holds text (or of row `only`)."""
        for row in self.rows:
            if only is None or row.index == only:
                row.results = find_products(self.merchant, row.query)

    def row_for_trigger(self, trigger_name: str | None) -> ItemRow | None:
        """The row whose search box sent this htmx request (HX-Trigger-Name `items-<n>-search`)."""
        match = TRIGGER_NAME.match(trigger_name or "")
        if match and int(match.group(1)) < len(self.rows):
            return self.rows[int(match.group(1))]
        return None

    @property
    def chosen_method(self) -> str:
        return str(self.form["shipping_method"].value() or "")

    @property
    def can_remove(self) -> bool:
        return len(self.rows) > 1

    @property
    def can_add(self) -> bool:
        return len(self.rows) < MAX_ITEM_ROWS

    # bodies --------------------------------------------------------------------------------------------------
    def _collected(self) -> dict[str, str] | None:
        if not self._management_ok:
            self.form.add_error(None, "The item rows could not be read; reload the page and enter them again.")
            return None
        self.form.is_valid()  # the fields only collect: this gives cleaned_data, never an error
        for row in self.rows:
            row.form.is_valid()
        return self.form.cleaned_data

    def _items(self) -> list[dict[str, Any]] | None:
        """The API's `items` from the rows with a variant picked; None when a pick is not in the catalog."""
        items, self._sent_rows, unknown = [], [], False
        for row in self.rows:
            if not row.chosen_id:
                continue
            if row.chosen is None:
                row.form.add_error("variant", NOT_IN_CATALOG)
                unknown = True
                continue
            quantity = row.form.cleaned_data.get("quantity", "")
            items.append({"product_id": str(row.chosen.product_id), "variant_id": row.chosen_id, "quantity": quantity})
            self._sent_rows.append(row.index)
        return None if unknown else items

    def create_body(self) -> dict[str, Any] | None:
        data, items = self._collected(), self._items()
        if data is None or items is None:
            return None
        return {
            "action": "create",
            "reference": data["reference"],
            "customer": {
                "name": data["customer_name"],
                "email": data["customer_email"],
                "phone": data["customer_phone"],
            },
            "shipping_address": {
                "name": data["customer_name"],
                "line1": data["line1"],
                "line2": data["line2"],
                "city": data["city"],
                "province": data["province"],
                "postal_code": data["postal_code"],
                "country_code": data["country_code"],
                "phone": data["customer_phone"],
            },
            "items": items,
            "shipping_method": data["shipping_method"],
        }

    def quote_body(self) -> dict[str, Any] | None:
        data, items = self._collected(), self._items()
        if data is None or items is None:
            return None
        return {"action": "quote", "items": items, "country_code": data["country_code"]}

    # errors --------------------------------------------------------------------------------------------------
    def show_errors(self, detail: Any) -> None:
        """API errors (a serializer's `errors`, an APIException's `detail`) beside the fields they name."""
        for error in flatten_errors(detail):
            self._show(error.attr or "", str(error.detail))

    def _show(self, attr: str, message: str) -> None:
        parts = attr.split(".")
        if parts[0] == "items" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(self._sent_rows):
            row = self.rows[self._sent_rows[int(parts[1])]]
            row.form.add_error(ROW_FIELD_FOR.get(parts[2] if len(parts) > 2 else ""), message)
        elif parts[0] == "items":
            self.item_errors.append(message)
        else:
            self.form.add_error(FORM_FIELD_FOR.get(attr), message)

    def _show_action_error(self, exc: Exception) -> None:
        if isinstance(exc, ValidationError):
            self.show_errors(api_validation_error(exc).detail)
        elif isinstance(exc, APIException) and isinstance(exc.detail, dict):
            self.show_errors(exc.detail)
        elif isinstance(exc, APIException):
            self.form.add_error(None, str(exc.detail))

    # steps ---------------------------------------------------------------------------------------------------
    def quote(self) -> list[ShippingQuote]:
        """CJ's shipping options for the rows and the country (the API's `quote`), or errors beside fields."""
        body = self.quote_body()
        if body is None:
            return []
        serializer = QuoteSerializer(data=body)
        if not serializer.is_valid():
            self.show_errors(serializer.errors)
            return []
        try:
            self.options = actions.quote_items(
                self.merchant, serializer.line_inputs(), country_code=serializer.validated_data["country_code"]
            )
        except (ValidationError, APIException) as exc:
            self._show_action_error(exc)
        if body["items"] and not self.options and not self.has_errors:
            self.form.add_error("shipping_method", "CJ offers no shipping to this country for these items.")
        return self.options

    def create(self, *, by: User | None = None) -> tuple[Order, bool] | None:
        """The order (and whether it is new), or None with the errors beside the fields."""
        body = self.create_body()
        if body is None:
            return None
        serializer = CreateSerializer(data=body)
        if not serializer.is_valid():
            self.show_errors(serializer.errors)
            return None
        try:
            return actions.create_order(self.merchant, serializer.to_input(), by=by, source=OrderSource.MANUAL)
        except (ValidationError, APIException) as exc:
            self._show_action_error(exc)
            return None

    @property
    def has_errors(self) -> bool:
        return bool(self.item_errors or self.form.errors or any(row.form.errors for row in self.rows))
