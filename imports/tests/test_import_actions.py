from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError

from imports import actions
from imports.actions import create, status
from imports.choices import ItemStatus, JobStatus
from imports.models import ImportJob
from inventory.models import Category, Product
from nexusone.accounts.choices import Plan
from nexusone.suppliers.base import SupplierAuthError, SupplierQuotaExhausted
from tests.factories import ProductFactory

from .conftest import LAMP, MAT, STAND

pytestmark = pytest.mark.django_db


def run(merchant, inputs, *, source="ids", **kwargs):
    job = actions.start_import(merchant, source=source, inputs=inputs, **kwargs)
    return actions.run_import_job(job.pk)


def statuses(job):
    return {item.pid or item.input: item.status for item in job.items.all()}


def test_importing_creates_the_product_with_variants_priced_by_the_markup(merchant, cj_account, catalog):
    job = run(merchant, [LAMP], markup={"type": "percent", "value": "50"}, category="Lighting", tags=["new", "desk"])
    product = Product.objects.get(merchant=merchant, external_id=LAMP)
    assert job.status == JobStatus.SUCCEEDED
    assert product.name == "Desk Lamp"
    assert product.cost_price == Decimal("4.00")
    assert product.price == Decimal("6.00")
    assert product.markup == {"type": "percent", "value": "50"}
    assert product.category.name == "Lighting"
    assert sorted(product.tags.values_list("name", flat=True)) == ["desk", "new"]
    assert product.variants.count() == 2
    assert {v.price for v in product.variants.all()} == {Decimal("6.00")}
    assert product.image_url == f"https://img.example/{LAMP}.jpg"
    assert product.supplier_data["name"] == "Desk Lamp"


def test_stock_is_read_once_per_product_and_summed_over_variants(merchant, cj_account, catalog):
    run(merchant, [STAND])
    product = Product.objects.get(external_id=STAND)
    assert product.stock_quantity == 60
    assert set(product.variants.values_list("stock_quantity", flat=True)) == {20}
    assert catalog.calls.count(("get_product_stock", STAND)) == 1
    assert product.last_sync_at is not None


def test_imported_stock_counts_only_the_warehouses_the_store_ships_from(merchant, cj_account, fake_supplier):
    from inventory.actions import get_inventory_settings
    from nexusone.suppliers.base import StockLevel, WarehouseStock

    fake_supplier.add_product(MAT, variants=1)
    vid = f"{MAT}-V1"
    levels = {vid: StockLevel(vid, (WarehouseStock("CN", 30), WarehouseStock("US", 5)))}
    fake_supplier.get_product_stock = lambda pid: levels
    settings = get_inventory_settings(merchant)
    settings.ship_from_countries = ["US"]
    settings.save()
    run(merchant, [MAT])
    assert Product.objects.get(external_id=MAT).stock_quantity == 5


def test_without_a_markup_the_store_default_applies_and_the_supplier_category_is_used(merchant, cj_account, catalog):
    run(merchant, [MAT])
    product = Product.objects.get(external_id=MAT)
    assert product.price == Decimal("14.00")
    assert product.markup == {}
    assert product.category == Category.objects.get(merchant=merchant, name="Home")


def test_second_import_of_the_same_pid_is_marked_duplicate(merchant, cj_account, catalog):
    run(merchant, [LAMP])
    job = run(merchant, [f"https://www.cjdropshipping.com/product/desk-lamp-p-{LAMP}.html"], source="url")
    item = job.items.get()
    assert item.status == ItemStatus.DUPLICATE
    assert item.product == Product.objects.get(external_id=LAMP)
    assert Product.objects.filter(external_id=LAMP).count() == 1
    assert job.duplicates == 1


def test_invalid_and_repeated_inputs_are_decided_at_once(merchant, cj_account, catalog):
    job = actions.start_import(merchant, source="ids", inputs=f"{LAMP}, {LAMP}\nnot-an-id\n{LAMP.lower()}")
    assert job.requested == 2
    assert job.invalid == 1
    assert statuses(job) == {LAMP: ItemStatus.QUEUED, "not-an-id": ItemStatus.INVALID}
    assert "Not a CJ product URL" in job.items.get(status=ItemStatus.INVALID).error


def test_unknown_pids_are_not_found_and_the_job_is_partial(merchant, cj_account, catalog):
    job = run(merchant, [LAMP, "1999999999999999999"])
    assert statuses(job)["1999999999999999999"] == ItemStatus.NOT_FOUND
    assert job.status == JobStatus.PARTIAL
    assert (job.imported, job.not_found) == (1, 1)


def test_a_supplier_outage_fails_only_that_item(merchant, cj_account, catalog):
    catalog.fail_products.add(STAND)
    job = run(merchant, [LAMP, STAND])
    failed = job.items.get(pid=STAND)
    assert failed.status == ItemStatus.FAILED
    assert "CJ did not answer" in failed.error
    assert job.imported == 1


def test_a_job_where_nothing_is_imported_fails(merchant, cj_account, catalog):
    job = run(merchant, ["1999999999999999999"])
    assert job.status == JobStatus.FAILED


def test_exhausted_api_points_stop_the_job_and_explain(merchant, cj_account, catalog, monkeypatch):
    def exhausted(pid):
        raise SupplierQuotaExhausted("Insufficient API points")

    monkeypatch.setattr(catalog, "get_product", exhausted)
    job = run(merchant, [LAMP, STAND])
    assert job.failed == 2
    assert "daily API points" in job.error
    assert job.status == JobStatus.FAILED


def test_a_refused_api_key_tells_the_merchant_to_reconnect(merchant, cj_account, catalog, monkeypatch):
    monkeypatch.setattr(catalog, "get_product", lambda pid: (_ for _ in ()).throw(SupplierAuthError("1600001")))
    job = run(merchant, [LAMP])
    assert "reconnect CJ in Settings" in job.items.get().error


def test_importing_without_a_cj_connection_explains_how_to_connect(merchant, catalog):
    with pytest.raises(actions.SupplierNotConnected) as error:
        actions.start_import(merchant, source="ids", inputs=[LAMP])
    assert error.value.status_code == 409
    assert "Settings → CJ connection" in str(error.value.detail)
    assert not ImportJob.objects.exists()


def test_items_beyond_the_plan_limit_are_plan_limit_naming_the_plan_that_lifts_it(merchant, cj_account, catalog):
    merchant.plan = Plan.FREE
    merchant.save()
    ProductFactory.create_batch(9, merchant=merchant)
    job = run(merchant, [LAMP, STAND, MAT])
    assert (job.imported, job.plan_limit) == (1, 2)
    assert Product.objects.filter(merchant=merchant).count() == 10
    message = job.items.filter(status=ItemStatus.PLAN_LIMIT).first().error
    assert "Free plan allows 10 products" in message
    assert "Upgrade to Pro" in message


def test_the_plan_limit_message_names_premium_when_pro_is_not_enough(merchant, cj_account, catalog):
    ProductFactory.create_batch(100, merchant=merchant)
    job = actions.start_import(merchant, source="ids", inputs=[LAMP])
    assert "Upgrade to Premium (unlimited products)" in job.items.get().error
    assert job.status == JobStatus.FAILED


def test_queued_items_of_a_running_job_hold_their_quota(merchant, cj_account, catalog):
    merchant.plan = Plan.FREE
    merchant.save()
    ProductFactory.create_batch(8, merchant=merchant)
    first = actions.start_import(merchant, source="ids", inputs=[LAMP, STAND])
    second = actions.start_import(merchant, source="ids", inputs=[MAT, LAMP])
    assert statuses(second) == {MAT: ItemStatus.PLAN_LIMIT, LAMP: ItemStatus.QUEUED}
    assert actions.import_quota_left(merchant) == 0
    actions.run_import_job(first.pk)
    actions.run_import_job(second.pk)
    assert statuses(ImportJob.objects.get(pk=second.pk))[LAMP] == ItemStatus.DUPLICATE
    assert Product.objects.filter(merchant=merchant).count() == 10


def test_premium_has_no_product_limit(merchant, cj_account, catalog):
    merchant.plan = Plan.PREMIUM
    merchant.save()
    ProductFactory.create_batch(101, merchant=merchant)
    assert run(merchant, [LAMP]).imported == 1
    assert actions.import_quota_left(merchant) is None


def test_job_progress_and_counts_move_batch_by_batch(merchant, cj_account, fake_supplier, monkeypatch):
    pids = [f"14246081897348{n:05d}" for n in range(60)]
    for pid in pids:
        fake_supplier.add_product(pid, variants=1)
    events = []
    monkeypatch.setattr(status, "publish_event", lambda merchant_id, kind, data: events.append((kind, data)))
    job = run(merchant, [*pids, "junk"])
    progress = [data["processed"] for kind, data in events if kind == "import.progress"]
    assert progress == [1, 26, 51, 61, 61]
    assert events[-1][1]["status"] == JobStatus.PARTIAL
    assert (job.requested, job.imported, job.invalid, job.progress_percent) == (61, 60, 1, 100)
    stored = ImportJob.objects.get(pk=job.pk)
    assert (stored.imported, stored.invalid, stored.status) == (60, 1, JobStatus.PARTIAL)
    assert stored.api_calls == 120
    assert stored.finished_at is not None


def test_a_finished_job_is_left_alone_when_its_task_runs_again(merchant, cj_account, catalog):
    job = run(merchant, [LAMP])
    calls = len(catalog.calls)
    assert actions.run_import_job(job.pk).imported == 1
    assert len(catalog.calls) == calls


def test_an_import_writes_at_most_three_queries_per_product(
    merchant, cj_account, fake_supplier, django_assert_max_num_queries
):
    pids = [f"14246081897348{n:05d}" for n in range(50)]
    for pid in pids:
        fake_supplier.add_product(pid, variants=3)
    job = actions.start_import(merchant, source="ids", inputs=pids, tags=["a", "b"], category="Home")
    with django_assert_max_num_queries(3 * 50):
        actions.run_import_job(job.pk)
    assert Product.objects.filter(merchant=merchant).count() == 50


def test_a_runner_that_another_runner_overtook_leaves_the_finished_job_as_it_is(
    merchant, cj_account, catalog, monkeypatch
):
    from nexusone.notifications.models import Notification

    job = actions.start_import(merchant, source="ids", inputs=[LAMP, MAT], dispatch=False)
    get_product = catalog.get_product

    def finished_elsewhere_meanwhile(pid):
        # A redelivered task finished the job while this runner was still reading CJ.
        ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.PARTIAL, error="set by the other runner")
        return get_product(pid)

    monkeypatch.setattr(catalog, "get_product", finished_elsewhere_meanwhile)
    actions.run_import_job(job.pk)

    stored = ImportJob.objects.get(pk=job.pk)
    assert (stored.status, stored.error) == (JobStatus.PARTIAL, "set by the other runner")
    assert not Notification.objects.filter(merchant=merchant, event="import.finished").exists()


def test_a_queued_job_claimed_by_a_late_runner_after_it_finished_stays_finished(merchant, cj_account, catalog):
    job = actions.start_import(merchant, source="ids", inputs=[LAMP], dispatch=False)
    late_copy = ImportJob.objects.get(pk=job.pk)  # read while still queued
    actions.run_import_job(job.pk)

    status.claim(late_copy)

    assert ImportJob.objects.get(pk=job.pk).status == JobStatus.SUCCEEDED


def test_finishing_notifies_the_merchant(merchant, cj_account, catalog):
    from nexusone.notifications.models import Notification

    job = run(merchant, [LAMP])
    notification = Notification.objects.get(merchant=merchant, event="import.finished")
    assert notification.title == "Import finished: 1 of 1 imported"
    assert str(job.pk) in notification.link


def test_too_many_inputs_are_refused_naming_the_field(merchant, cj_account, catalog):
    with pytest.raises(ValidationError) as error:
        actions.start_import(merchant, source="ids", inputs=[f"1424608189734{n:06d}" for n in range(1001)])
    assert "product_ids" in error.value.error_dict


def test_preview_marks_invalid_duplicate_and_over_limit_lines(merchant, cj_account, catalog):
    merchant.plan = Plan.FREE
    merchant.save()
    ProductFactory(merchant=merchant, external_id=LAMP)
    ProductFactory.create_batch(8, merchant=merchant)
    preview = actions.preview_import(merchant, f"{LAMP}\n{STAND}\n{MAT}\nbad\n{STAND}")
    assert [row.status for row in preview.rows] == ["duplicate", "new", "plan_limit", "invalid"]
    assert (preview.quota_left, preview.repeats) == (1, 1)


def test_the_import_products_command_imports_and_prints_the_outcome(merchant, cj_account, catalog):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("import_products", "--merchant", str(merchant.pk), LAMP, "junk", "--tags", "cli", stdout=out)
    assert '"imported": 1' in out.getvalue()
    assert '"invalid": 1' in out.getvalue()
    assert Product.objects.get(external_id=LAMP).tags.get().name == "cli"


def test_the_import_products_command_splits_its_arguments_like_pasted_text(merchant, cj_account, catalog):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("import_products", "--merchant", str(merchant.pk), f"{LAMP},{STAND}", MAT, stdout=out)
    assert '"requested": 3' in out.getvalue()
    assert set(Product.objects.values_list("external_id", flat=True)) == {LAMP, STAND, MAT}


def test_the_import_products_command_without_a_cj_connection_says_how_to_connect(merchant):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="Settings → CJ connection"):
        call_command("import_products", "--merchant", str(merchant.pk), LAMP, stdout=StringIO())
    assert not ImportJob.objects.exists()


def test_an_unexpected_error_fails_the_rest_instead_of_leaving_the_job_running(
    merchant, cj_account, catalog, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(create, "save_batch", broken)
    job = run(merchant, [LAMP, STAND])
    assert job.status == JobStatus.FAILED
    assert job.failed == 2
    assert "unexpected error" in job.error
    assert actions.import_quota_left(merchant) == 100


def test_an_imported_product_cj_has_none_of_is_deactivated_with_an_out_of_stock_alert_at_once(
    merchant, cj_account, fake_supplier
):
    from inventory.choices import AlertKind, AlertState
    from inventory.models import StockAlert

    fake_supplier.add_product(MAT, variants=1, stock=0)
    fake_supplier.add_product(LAMP, variants=1, stock=3)

    run(merchant, [MAT, LAMP])

    sold_out, low = Product.objects.get(external_id=MAT), Product.objects.get(external_id=LAMP)
    assert (sold_out.is_active, sold_out.auto_deactivated, sold_out.supplier_stock) == (False, True, 0)
    assert (low.is_active, low.stock_quantity, low.supplier_stock, low.reserved_quantity) == (True, 3, 3, 0)
    alerts = {a.product.external_id: (a.kind, a.state) for a in StockAlert.objects.all()}
    assert alerts == {MAT: (AlertKind.OUT_OF_STOCK, AlertState.OPEN), LAMP: (AlertKind.LOW_STOCK, AlertState.OPEN)}
