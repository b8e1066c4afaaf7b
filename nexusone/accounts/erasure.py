"""Erasing one customer's personal data from a store (GDPR art. 17).

Every order of the customer keeps its amounts, dates, lines and ledger rows; their name, email, phone and
address become a marker, and so does every copy of those values in the store's other text and JSON
columns (fulfillment logs, webhook payloads, notifications, audit data, the model change log). CJ is
told nothing: it holds its own copy of orders it fulfilled, which the merchant asks CJ to erase.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.functions import Cast
from django.http import HttpRequest

from nexusone.core.audit import record_event
from nexusone.core.fields import EncryptedTextField

from .actions import _clean_email
from .models import Merchant, User

MARKER = "[erased]"
ERASED_EMAIL = "erased@erased.invalid"
MIN_LENGTH = 4  # shorter values ("Al", "12") would erase unrelated text
KEPT_ADDRESS_FIELDS = frozenset({"country_code"})
CJ_NOTE = (
    "CJ Dropshipping keeps its own copy of orders it fulfilled and was not told; "
    "ask CJ support to erase the customer there if they request it."
)


@dataclass(frozen=True)
class ErasureResult:
    orders: int
    rows_scrubbed: int
    note: str = CJ_NOTE


@transaction.atomic
def erase_customer(merchant: Merchant, email: str, *, by: User, request: HttpRequest | None = None) -> ErasureResult:
    """Replace the customer's personal data in the store with a marker; amounts and the ledger stay."""
    from orders.models import Order

    email = _clean_email(email)
    orders = list(Order.objects.filter(merchant=merchant, customer_email__iexact=email).select_for_update())
    values = _personal_values(email, orders)
    for order in orders:
        Order.objects.filter(pk=order.pk).update(  # update(): no change-log entry repeating the old values
            customer_name=MARKER,
            customer_email=ERASED_EMAIL,
            customer_phone=MARKER if order.customer_phone else "",
            shipping_address=_erased_address(order.shipping_address),
        )
    scrubbed = sum(_scrub(queryset, values) for queryset in _store_querysets(merchant, orders))
    _delete_exports(merchant)
    record_event(
        "customer.erased",
        merchant=merchant,
        actor=by,
        data={"orders": len(orders), "rows_scrubbed": scrubbed},
        request=request,
    )
    return ErasureResult(orders=len(orders), rows_scrubbed=scrubbed)


def _personal_values(email: str, orders: list[Any]) -> list[str]:
    found = {email}
    for order in orders:
        address = order.shipping_address if isinstance(order.shipping_address, dict) else {}
        found |= {order.customer_name, order.customer_email, order.customer_phone}
        found |= {str(v) for k, v in address.items() if k not in KEPT_ADDRESS_FIELDS and k not in ("city", "province")}
    values = {value.strip() for value in found if value and len(value.strip()) >= MIN_LENGTH}
    return sorted(values - {MARKER, ERASED_EMAIL}, key=len, reverse=True)  # longest first: "Ada L." before "Ada"


def _erased_address(address: Any) -> Any:
    if not isinstance(address, dict):
        return {}
    return {key: value if key in KEPT_ADDRESS_FIELDS or not value else MARKER for key, value in address.items()}


def _store_querysets(merchant: Merchant, orders: list[Any]) -> list[models.QuerySet]:
    """Every table with the store's rows, and the change log of the erased orders."""
    from auditlog.models import LogEntry

    querysets = []
    for model in apps.get_models():
        field = next((f for f in model._meta.concrete_fields if f.name == "merchant"), None)
        if field is not None and field.is_relation and field.related_model is Merchant:
            querysets.append(model._default_manager.filter(merchant=merchant))
    if orders:
        order_type = ContentType.objects.get_for_model(orders[0])
        querysets.append(LogEntry.objects.filter(content_type=order_type, object_pk__in=[str(o.pk) for o in orders]))
    return querysets


def _scrub(queryset: models.QuerySet, values: list[str]) -> int:
    """Replace every value in the text and JSON columns of matching rows; returns how many rows changed."""
    model = queryset.model
    text = [
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField)
        and not isinstance(f, EncryptedTextField)
        and not f.choices
        and not f.primary_key
    ]
    json_columns = [f.name for f in model._meta.concrete_fields if isinstance(f, models.JSONField)]
    if not values or not (text or json_columns):
        return 0
    casts = {f"_{name}_as_text": Cast(name, models.TextField()) for name in json_columns}
    condition = models.Q()
    for column in [*text, *casts]:
        for value in values:
            condition |= models.Q(**{f"{column}__icontains": value})
    pattern = re.compile("|".join(re.escape(v) for v in values), re.IGNORECASE)
    changed = 0
    for row in queryset.annotate(**casts).filter(condition).values("pk", *text, *json_columns).iterator():
        updates = {name: pattern.sub(MARKER, row[name]) for name in text if row[name] and pattern.search(row[name])}
        updates |= {
            name: _replace_in(row[name], pattern)
            for name in json_columns
            if pattern.search(json.dumps(row[name], ensure_ascii=False, default=str))
        }
        if updates:
            model._default_manager.filter(pk=row["pk"]).update(**updates)
            changed += 1
    return changed


def _replace_in(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(MARKER, value)
    if isinstance(value, dict):
        return {key: _replace_in(item, pattern) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace_in(item, pattern) for item in value]
    return value


def _delete_exports(merchant: Merchant) -> None:
    """Earlier exports hold the customer's data: they go (the owner can export again)."""
    from .exports import export_storage
    from .models import DataExport

    storage = export_storage()
    for export in DataExport.objects.for_merchant(merchant):
        if export.file_name:
            storage.delete(export.file_name)
        export.delete()
