from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from inventory.models import SyncRun, Variant


def run_command(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("sync_inventory", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_syncs_every_connected_merchant_and_prints_a_summary(merchant, catalog, fake_supplier):
    fake_supplier.stock["PID-1-V1"] = 4

    out, err = run_command()

    assert "succeeded — 3/3 checked, 1 changed, 0 failed, 6 API calls" in out
    assert "3/3" in err  # the progress bar
    assert Variant.objects.get(external_id="PID-1-V1").stock_quantity == 4


def test_the_command_syncs_chosen_products_by_cj_id(merchant, catalog, fake_supplier):
    out, _ = run_command("--merchant", str(merchant.pk), "--products", "PID-2", "--json")

    summary = json.loads(out)[0]
    assert (summary["total"], summary["status"]) == (1, "succeeded")


def test_a_dry_run_reports_changes_without_writing_them(merchant, catalog, fake_supplier):
    fake_supplier.stock["PID-1-V1"] = 4

    out, _ = run_command("--merchant", str(merchant.pk), "--dry-run")

    assert "1 changed" in out
    assert "dry run" in out
    assert Variant.objects.get(external_id="PID-1-V1").stock_quantity == 20
    assert SyncRun.objects.get().dry_run is True


def test_an_unknown_merchant_is_a_command_error(db):
    with pytest.raises(CommandError):
        run_command("--merchant", "not-a-merchant")
