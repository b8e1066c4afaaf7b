"""Starting an import: what was asked is parsed and each item decided (invalid, duplicate, over the plan
limit, or queued for the worker); a preview says the same without writing anything."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from inventory.actions.catalog import clean_category_name, clean_tag_names
from inventory.models import Product
from inventory.pricing import clean_markup
from nexusone.accounts.models import Merchant
from nexusone.accounts.plans import capabilities
from nexusone.core.audit import record_event
from nexusone.suppliers.actions import get_supplier_account
from nexusone.suppliers.errors import NOT_CONNECTED_MESSAGE, SupplierNotConnected

from ..choices import ImportSource, ItemStatus
from ..models import ImportItem, ImportJob
from ..parsing import ParsedInput, parse_inputs
from .quota import import_quota_left, plan_limit_message, products_held
from .status import COUNTER_FOR_STATUS, count_statuses, finish_in_memory

if TYPE_CHECKING:
    from nexusone.accounts.models import User

SUPPLIER = "cj"
MAX_ITEMS_PER_IMPORT = 1000
MAX_TAGS = 20
ALREADY_IN_CATALOG = "Already in your catalog."


@dataclass
class PreviewRow:
    input: str
    pid: str
    status: str  # "new" or an ItemStatus
    message: str = ""


@dataclass
class ImportPreview:
    rows: list[PreviewRow] = field(default_factory=list)
    repeats: int = 0
    quota_left: int | None = None
    too_many: bool = False

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def new(self) -> int:
        return self.count("new")

    @property
    def duplicates(self) -> int:
        return self.count(ItemStatus.DUPLICATE)

    @property
    def invalid(self) -> int:
        return self.count(ItemStatus.INVALID)

    @property
    def over_limit(self) -> int:
        return self.count(ItemStatus.PLAN_LIMIT)


def preview_import(merchant: Merchant, values: list[str] | str) -> ImportPreview:
    """What an import of `values` would do now: parsed items, invalid lines, duplicates, the quota left."""
    parsed, repeats = parse_inputs(values)
    preview = ImportPreview(repeats=repeats, quota_left=import_quota_left(merchant))
    preview.too_many = len(parsed) > MAX_ITEMS_PER_IMPORT
    pids = [p.pid for p in parsed if p.pid]
    existing = set(
        Product.objects.for_merchant(merchant)
        .filter(supplier=SUPPLIER, external_id__in=pids)
        .values_list("external_id", flat=True)
    )
    room = preview.quota_left
    for item in parsed:
        if not item.valid:
            preview.rows.append(PreviewRow(item.input, "", ItemStatus.INVALID, item.error))
        elif item.pid in existing:
            preview.rows.append(PreviewRow(item.input, item.pid, ItemStatus.DUPLICATE, ALREADY_IN_CATALOG))
        elif room is not None and room <= 0:
            preview.rows.append(PreviewRow(item.input, item.pid, ItemStatus.PLAN_LIMIT, "Over your plan's limit."))
        else:
            preview.rows.append(PreviewRow(item.input, item.pid, "new"))
            if room is not None:
                room -= 1
    return preview


def clean_tags(tags: Iterable[str] | None) -> list[str]:
    cleaned = clean_tag_names(tags or [])
    if len(cleaned) > MAX_TAGS:
        raise ValidationError({"tags": f"At most {MAX_TAGS} tags per import."})
    return cleaned


def _input_field(source: str) -> str:
    return "urls" if source == ImportSource.URL else "product_ids"


def _parse_request(source: str, inputs: list[str] | str) -> list[ParsedInput]:
    parsed, _repeats = parse_inputs(inputs)
    if not parsed:
        raise ValidationError({_input_field(source): "Paste at least one CJ product URL or product ID."})
    if len(parsed) > MAX_ITEMS_PER_IMPORT:
        raise ValidationError(
            {_input_field(source): f"At most {MAX_ITEMS_PER_IMPORT} products per import ({len(parsed)} given)."}
        )
    return parsed


@transaction.atomic
def start_import(
    merchant: Merchant,
    *,
    source: str,
    inputs: list[str] | str,
    markup: dict[str, Any] | None = None,
    category: str = "",
    tags: Iterable[str] | None = None,
    user: User | None = None,
    extension_session: Any = None,
    dispatch: bool = True,
) -> ImportJob:
    """Create a job: invalid, duplicate and over-limit items are decided now; the rest queue for the task.

    `inputs` is pasted text (split into items) or a list whose every element is one item (parsing.split_inputs).
    """
    if source not in ImportSource.values:
        raise ValidationError({"source": f"Source must be one of {', '.join(ImportSource.values)}."})
    markup = clean_markup(markup)
    category = clean_category_name(category)
    tag_names = clean_tags(tags)
    parsed = _parse_request(source, inputs)
    if get_supplier_account(merchant) is None:
        raise SupplierNotConnected(NOT_CONNECTED_MESSAGE)

    locked = Merchant.objects.select_for_update().get(pk=merchant.pk)
    job = ImportJob.objects.create(
        merchant=locked,
        source=source,
        supplier=SUPPLIER,
        markup=markup,
        category_name=category,
        tag_names=tag_names,
        requested=len(parsed),
        created_by=user if user is not None and user.is_authenticated else None,
        extension_session=extension_session,
    )
    items = decide_items(locked, job, parsed)
    ImportItem.objects.bulk_create(items)
    counts = count_statuses(items)
    for status, counter in COUNTER_FOR_STATUS.items():
        setattr(job, counter, counts.get(status, 0))
    if not counts.get(ItemStatus.QUEUED):
        finish_in_memory(job)
    job.save()
    record_event(
        "import.started",
        merchant=locked,
        actor=job.created_by,
        target=job,
        data={"source": source, "requested": job.requested, "queued": counts.get(ItemStatus.QUEUED, 0)},
    )
    if dispatch and counts.get(ItemStatus.QUEUED):
        from ..tasks import run_import_job_task

        transaction.on_commit(lambda: run_import_job_task.delay(str(job.pk)))
    return job


def decide_items(merchant: Merchant, job: ImportJob, parsed: list[ParsedInput]) -> list[ImportItem]:
    """Under the merchant lock: invalid, duplicate, plan_limit now; queued items reserve quota."""
    pids = [p.pid for p in parsed if p.pid]
    products = Product.objects.for_merchant(merchant)
    existing = dict(products.filter(supplier=SUPPLIER, external_id__in=pids).values_list("external_id", "id"))
    limit = capabilities(merchant.plan).product_limit
    room = None
    reserved: set[str] = set()
    message = ""
    if limit is not None:
        in_catalog, reserved = products_held(merchant, exclude_job=job)
        room = limit - in_catalog - len(reserved)
        new_pids = {p.pid for p in parsed if p.pid and p.pid not in existing and p.pid not in reserved}
        message = plan_limit_message(merchant, in_catalog + len(reserved) + len(new_pids))
    items = []
    for position, entry in enumerate(parsed):
        item = ImportItem(merchant=merchant, job=job, position=position, input=entry.input[:2000], pid=entry.pid)
        if not entry.valid:
            item.status, item.error = ItemStatus.INVALID, entry.error
        elif entry.pid in existing:
            item.status, item.product_id = ItemStatus.DUPLICATE, existing[entry.pid]
            item.error = ALREADY_IN_CATALOG
        elif room is None or entry.pid in reserved:
            item.status = ItemStatus.QUEUED
        elif room > 0:
            item.status = ItemStatus.QUEUED
            room -= 1
        else:
            item.status = ItemStatus.PLAN_LIMIT
            item.error = message
        items.append(item)
    return items
