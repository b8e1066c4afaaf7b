"""Store data export: a zip with JSON per resource and CSV for products and orders, built by a task,
kept in private storage, downloadable by an owner for EXPORT_LINK_HOURS, then deleted."""

from __future__ import annotations

import csv
import io
import json
import logging
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from nexusone.core.audit import record_event

from .models import DataExport, ExportStatus, Merchant, User

logger = logging.getLogger(__name__)

# (file name, model): every resource of the store, each row as its columns.
RESOURCES: tuple[tuple[str, str], ...] = (
    ("products", "inventory.Product"),
    ("variants", "inventory.Variant"),
    ("categories", "inventory.Category"),
    ("tags", "inventory.Tag"),
    ("pricing_rules", "inventory.PricingRule"),
    ("sync_runs", "inventory.SyncRun"),
    ("sync_changes", "inventory.SyncChange"),
    ("stock_alerts", "inventory.StockAlert"),
    ("orders", "orders.Order"),
    ("order_lines", "orders.OrderLine"),
    ("order_status_events", "orders.OrderStatusEvent"),
    ("shipments", "orders.Shipment"),
    ("tracking_events", "orders.TrackingEvent"),
    ("fulfillment_logs", "orders.FulfillmentLog"),
    ("commission_ledger", "orders.CommissionEntry"),
    ("import_jobs", "imports.ImportJob"),
    ("import_items", "imports.ImportItem"),
    ("notifications", "notifications.Notification"),
    ("audit_events", "core.AuditEvent"),
)
CSV_RESOURCES = frozenset({"products", "orders"})
ACTIVE = (ExportStatus.QUEUED, ExportStatus.RUNNING)


def export_storage() -> FileSystemStorage:
    return FileSystemStorage(location=settings.PRIVATE_STORAGE_ROOT / "exports")


@transaction.atomic
def start_export(merchant: Merchant, *, by: User, request: HttpRequest | None = None) -> DataExport:
    """Queue an export; one at a time per store (a running one is returned)."""
    Merchant.objects.select_for_update().filter(pk=merchant.pk).first()
    running = DataExport.objects.for_merchant(merchant).filter(status__in=ACTIVE).first()
    if running is not None:
        return running
    export = DataExport.objects.create(merchant=merchant, requested_by=by)
    record_event("merchant.export_requested", merchant=merchant, actor=by, target=export, request=request)
    from .tasks import build_export_task

    transaction.on_commit(lambda: build_export_task.delay(str(export.pk)))
    return export


def build_export(export_id: str) -> DataExport:
    """Write the zip (resource by resource, with progress); a failure leaves no half file behind."""
    claimed = DataExport.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(status=ExportStatus.RUNNING)
    export = DataExport.objects.select_related("merchant").get(pk=export_id)
    if not claimed:
        return export  # another worker has it, or it is done
    storage = export_storage()
    name = f"{export.merchant_id}/nexusone-export-{export.pk}.zip"
    try:
        path = Path(storage.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        counts = _write_zip(export, str(path))
    except Exception as exc:
        logger.exception("Export %s failed", export.pk)
        storage.delete(name)
        export.status, export.error, export.finished_at = ExportStatus.FAILED, str(exc)[:2000], timezone.now()
        export.save(update_fields=["status", "error", "finished_at"])
        return export
    now = timezone.now()
    export.status, export.progress, export.counts = ExportStatus.SUCCEEDED, 100, counts
    export.file_name, export.size = name, storage.size(name)
    export.finished_at, export.expires_at = now, now + timedelta(hours=settings.EXPORT_LINK_HOURS)
    export.save()
    return export


def _write_zip(export: DataExport, path: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for position, (resource, label) in enumerate(RESOURCES, start=1):
            rows = _rows(export.merchant, label)
            counts[resource] = _write_json(archive, f"{resource}.json", rows)
            if resource in CSV_RESOURCES:
                _write_csv(archive, f"{resource}.csv", _rows(export.merchant, label))
            DataExport.objects.filter(pk=export.pk).update(progress=int(position * 99 / len(RESOURCES)))
        archive.writestr("README.txt", _readme(export, counts))
    return counts


def _rows(merchant: Merchant, label: str) -> Iterator[dict[str, Any]]:
    model = apps.get_model(label)
    return model.objects.filter(merchant=merchant).order_by("pk").values().iterator(chunk_size=2000)


def _write_json(archive: zipfile.ZipFile, name: str, rows: Iterator[dict[str, Any]]) -> int:
    count = 0
    with archive.open(name, "w") as out:
        out.write(b"[")
        for row in rows:
            out.write((b",\n" if count else b"\n") + json.dumps(row, cls=DjangoJSONEncoder).encode())
            count += 1
        out.write(b"\n]\n")
    return count


def _write_csv(archive: zipfile.ZipFile, name: str, rows: Iterator[dict[str, Any]]) -> None:
    with archive.open(name, "w") as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as out:
        writer = None
        for row in rows:
            if writer is None:
                writer = csv.DictWriter(out, fieldnames=list(row))
                writer.writeheader()
            writer.writerow({key: _cell(value) for key, value in row.items()})


def _cell(value: Any) -> Any:
    return json.dumps(value, cls=DjangoJSONEncoder) if isinstance(value, dict | list) else value


def _readme(export: DataExport, counts: dict[str, int]) -> str:
    lines = [
        f"NexusOne export of {export.merchant.name} ({export.merchant_id}), {timezone.now():%Y-%m-%d %H:%M} UTC.",
        "One JSON file per resource (a list of rows with their columns); products and orders also as CSV.",
        "Money is a decimal string; times are ISO 8601 UTC; ids link the files (e.g. order_lines.order_id).",
        "",
        *(f"{name}: {count} rows" for name, count in counts.items()),
    ]
    return "\n".join(lines) + "\n"


class ExportExpired(ValidationError):
    pass


def export_file(export: DataExport) -> str:
    """The path to serve, or ExportExpired / ValidationError saying why not."""
    if export.status != ExportStatus.SUCCEEDED:
        raise ValidationError(f"This export is {export.get_status_display().lower()}; wait until it is ready.")
    if export.expires_at is None or export.expires_at <= timezone.now() or not export.file_name:
        raise ExportExpired(
            f"This export expired (downloads last {settings.EXPORT_LINK_HOURS} hours); start a new one in Settings."
        )
    storage = export_storage()
    if not storage.exists(export.file_name):
        raise ExportExpired("This export's file is no longer on the server; start a new one in Settings.")
    return storage.path(export.file_name)


def delete_old_exports(*, now: Any = None) -> int:
    """Delete expired exports' files and rows, and exports stuck or failed for a day; returns how many."""
    now = now or timezone.now()
    old = DataExport.objects.filter(
        models.Q(expires_at__lte=now) | models.Q(expires_at__isnull=True, created_at__lte=now - timedelta(days=1))
    )
    storage = export_storage()
    deleted = 0
    for export in old.iterator():
        if export.file_name:
            storage.delete(export.file_name)
        export.delete()
        deleted += 1
    return deleted
