from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory import actions
from inventory.actions.sync import run as run_module
from inventory.actions.sync import write as write_module
from inventory.choices import AlertKind, AlertState, ChangeStatus, OutOfStockAction, SyncStatus, SyncTrigger
from inventory.models import Product, StockAlert, SyncChange, SyncRun, Variant
from inventory.tests.conftest import mirror
from nexusone.notifications.models import Notification
from nexusone.suppliers.base import SupplierAuthError, WebhookEvent


def sync(merchant, product_ids=None, **kwargs) -> SyncRun:
    return actions.start_sync(merchant, SyncTrigger.MANUAL, product_ids, run_now=True, **kwargs)


def variants_of(product: Product) -> list[Variant]:
    return list(product.variants.order_by("external_id"))


def test_sync_of_a_catalog_in_step_with_cj_changes_nothing(merchant, catalog):
    run = sync(merchant)

    assert run.status == SyncStatus.SUCCEEDED
    assert (run.total, run.processed, run.changed, run.failed) == (3, 3, 0, 0)
    assert run.api_calls == 6
    assert not SyncChange.objects.exists()


def test_sync_writes_new_stock_and_records_one_change_per_changed_variant(merchant, catalog, fake_supplier):
    fake_supplier.stock["PID-1-V1"] = 3

    run = sync(merchant)

    product = Product.objects.get(external_id="PID-1")
    assert [v.stock_quantity for v in variants_of(product)] == [3, 20]
    assert product.stock_quantity == 23
    assert run.changed == 1
    change = SyncChange.objects.get()
    assert (change.old_stock, change.new_stock, change.variant.external_id) == (20, 3, "PID-1-V1")
    assert change.run == run


def test_sync_writes_only_changed_rows_with_one_statement_per_table(merchant, catalog, fake_supplier):
    fake_supplier.stock["PID-1-V1"] = 7
    fake_supplier.stock["PID-3-V2"] = 9

    with CaptureQueriesContext(connection) as queries:
        sync(merchant)

    updates = [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")]
    variant_updates = [sql for sql in updates if '"inventory_variant"' in sql or "inventory_variant AS" in sql]
    product_updates = [sql for sql in updates if '"inventory_product"' in sql or "inventory_product AS" in sql]
    assert len(variant_updates) == 1
    assert len(product_updates) == 1
    untouched = Product.objects.get(external_id="PID-2")
    assert untouched.last_sync_at is None


def test_a_batch_uses_a_bounded_number_of_queries(merchant, fake_supplier, cj_account, django_assert_max_num_queries):
    for i in range(20):
        fake_supplier.add_product(f"P{i}", stock=10)
        mirror(merchant, fake_supplier, f"P{i}", stock=9)
    actions.get_inventory_settings(merchant)

    with django_assert_max_num_queries(40):
        run = sync(merchant)

    assert run.changed == 20
    assert Product.objects.filter(stock_quantity=20).count() == 20


def test_sellable_stock_is_the_sum_over_the_ship_from_countries(merchant, catalog, fake_supplier):
    fake_supplier.warehouses["PID-1-V1"] = {"CN": 100, "US": 7, "DE": 3}
    actions.update_inventory_settings(merchant, ship_from_countries=["us", "de"])

    sync(merchant)

    assert Variant.objects.get(external_id="PID-1-V1").stock_quantity == 10


def test_a_cost_change_flows_through_the_pricing_rule(merchant, catalog, fake_supplier):
    fake_supplier.set_cost("PID-1", "4.40")

    sync(merchant)

    product = Product.objects.get(external_id="PID-1")
    assert product.cost_price == Decimal("4.40")
    assert product.price == Decimal("6.16")
    assert {v.price for v in variants_of(product)} == {Decimal("6.16")}


def test_a_locked_price_is_never_overwritten(merchant, catalog, fake_supplier):
    Product.objects.filter(external_id="PID-1").update(price_locked=True, price=Decimal("9.99"))
    Variant.objects.filter(product__external_id="PID-1").update(price=Decimal("9.99"))
    fake_supplier.set_cost("PID-1", "4.40")

    sync(merchant)

    product = Product.objects.get(external_id="PID-1")
    assert product.cost_price == Decimal("4.40")
    assert product.price == Decimal("9.99")
    assert {v.price for v in variants_of(product)} == {Decimal("9.99")}


def test_a_cost_move_beyond_the_guardrail_is_held_for_review(merchant, catalog, fake_supplier):
    fake_supplier.set_cost("PID-1", "8.00")

    sync(merchant)

    product = Product.objects.get(external_id="PID-1")
    assert (product.cost_price, product.price) == (Decimal("4.00"), Decimal("5.60"))
    held = SyncChange.objects.get(status=ChangeStatus.HELD)
    assert (held.old_cost, held.new_cost, held.new_price) == (Decimal("4.00"), Decimal("8.00"), Decimal("11.20"))


def test_approving_a_held_change_applies_the_new_cost_and_price(merchant, catalog, fake_supplier, owner):
    fake_supplier.set_cost("PID-1", "8.00")
    sync(merchant)
    held = SyncChange.objects.get(status=ChangeStatus.HELD)

    actions.approve_change(held, by=owner)

    product = Product.objects.get(external_id="PID-1")
    assert (product.cost_price, product.price) == (Decimal("8.00"), Decimal("11.20"))
    assert {v.cost_price for v in variants_of(product)} == {Decimal("8.00")}
    held.refresh_from_db()
    assert (held.status, held.decided_by) == (ChangeStatus.APPLIED, owner)


def test_rejecting_a_held_change_keeps_the_price_and_cannot_be_repeated(merchant, catalog, fake_supplier):
    from nexusone.core.exceptions import InvalidTransition

    fake_supplier.set_cost("PID-1", "8.00")
    sync(merchant)
    held = SyncChange.objects.get(status=ChangeStatus.HELD)

    actions.reject_change(held)

    assert Product.objects.get(external_id="PID-1").price == Decimal("5.60")
    with pytest.raises(InvalidTransition):
        actions.reject_change(held)


def test_a_repeated_large_move_does_not_pile_up_held_changes(merchant, catalog, fake_supplier):
    fake_supplier.set_cost("PID-1", "8.00")
    sync(merchant)
    fake_supplier.set_cost("PID-1", "9.00")
    sync(merchant)

    held = SyncChange.objects.filter(status=ChangeStatus.HELD)
    assert [c.new_cost for c in held] == [Decimal("9.00")]


def test_a_low_stock_episode_opens_one_alert_and_notifies_once(merchant, catalog, fake_supplier):
    fake_supplier.stock["PID-1-V1"] = 2
    fake_supplier.stock["PID-1-V2"] = 1

    sync(merchant)
    sync(merchant)
    sync(merchant)

    alert = StockAlert.objects.get()
    assert (alert.kind, alert.state, alert.stock_quantity) == (AlertKind.LOW_STOCK, AlertState.OPEN, 3)
    assert Notification.objects.filter(event="inventory.low_stock").count() == 1


def test_recovered_stock_resolves_the_alert_and_a_new_episode_notifies_again(merchant, catalog, fake_supplier):
    fake_supplier.stock["PID-1-V1"] = fake_supplier.stock["PID-1-V2"] = 0
    sync(merchant)
    fake_supplier.stock["PID-1-V1"] = 30
    sync(merchant)
    fake_supplier.stock["PID-1-V1"] = 0
    sync(merchant)

    assert StockAlert.objects.filter(state=AlertState.RESOLVED).count() == 1
    assert StockAlert.objects.filter(state=AlertState.OPEN, kind=AlertKind.OUT_OF_STOCK).count() == 1
    assert Notification.objects.filter(event="inventory.out_of_stock").count() == 2


def test_a_product_threshold_overrides_the_merchant_default(merchant, catalog, fake_supplier):
    Product.objects.filter(external_id="PID-2").update(low_stock_threshold=50)

    sync(merchant)

    assert StockAlert.objects.get().product.external_id == "PID-2"


def test_out_of_stock_deactivates_and_recovery_reactivates(merchant, catalog, fake_supplier):
    fake_supplier.stock["PID-1-V1"] = fake_supplier.stock["PID-1-V2"] = 0
    sync(merchant)
    product = Product.objects.get(external_id="PID-1")
    assert (product.is_active, product.auto_deactivated, product.stock_quantity) == (False, True, 0)

    fake_supplier.stock["PID-1-V2"] = 12
    sync(merchant)

    product.refresh_from_db()
    assert (product.is_active, product.auto_deactivated, product.stock_quantity) == (True, False, 12)


def test_a_product_the_merchant_deactivated_is_not_reactivated_by_a_sync(merchant, catalog, fake_supplier):
    Product.objects.filter(external_id="PID-1").update(is_active=False)
    fake_supplier.stock["PID-1-V1"] = 99

    sync(merchant)

    assert Product.objects.get(external_id="PID-1").is_active is False


def test_keep_visible_leaves_a_sold_out_product_active(merchant, catalog, fake_supplier):
    actions.update_inventory_settings(merchant, out_of_stock_action=OutOfStockAction.KEEP_VISIBLE)
    fake_supplier.stock["PID-1-V1"] = fake_supplier.stock["PID-1-V2"] = 0

    sync(merchant)

    product = Product.objects.get(external_id="PID-1")
    assert (product.is_active, product.stock_quantity) == (True, 0)


def test_a_failure_mid_run_keeps_earlier_batches_and_never_zeroes_stock(merchant, catalog, fake_supplier, monkeypatch):
    monkeypatch.setattr(run_module, "SYNC_BATCH_SIZE", 1)
    for pid in ("PID-1", "PID-2", "PID-3"):
        fake_supplier.stock[f"{pid}-V1"] = 11
    failing = Product.objects.order_by("pk")[1]
    fake_supplier.fail_products.add(failing.external_id)

    run = sync(merchant)

    assert run.status == SyncStatus.PARTIAL
    assert (run.processed, run.failed) == (2, 1)
    assert run.errors[0]["external_id"] == failing.external_id
    failing.refresh_from_db()
    assert failing.stock_quantity == 40
    assert Product.objects.exclude(pk=failing.pk).filter(stock_quantity=31).count() == 2


def test_a_sync_where_every_call_fails_is_failed_and_changes_no_stock(merchant, catalog, fake_supplier):
    fake_supplier.fail_products.update({"PID-1", "PID-2", "PID-3"})
    fake_supplier.stock["PID-1-V1"] = 0

    run = sync(merchant)

    assert run.status == SyncStatus.FAILED
    assert set(Product.objects.values_list("stock_quantity", flat=True)) == {40}
    assert Notification.objects.filter(event="sync.failed").count() == 1


def test_a_transient_failure_is_retried_and_then_applied(merchant, catalog, fake_supplier):
    fake_supplier.fail_times["PID-1"] = 2
    fake_supplier.stock["PID-1-V1"] = 5

    run = sync(merchant)

    assert run.status == SyncStatus.SUCCEEDED
    assert Variant.objects.get(external_id="PID-1-V1").stock_quantity == 5


def test_a_refused_api_key_stops_the_run_and_names_what_was_not_checked(merchant, catalog, fake_supplier):
    def refuse(pid):
        raise SupplierAuthError("API key refused")

    fake_supplier.get_product_stock = refuse

    run = sync(merchant)

    assert run.status == SyncStatus.FAILED
    assert "API key refused" in run.errors[0]["detail"]
    assert run.failed == 3


def test_a_product_cj_reports_gone_is_deactivated_only_after_two_syncs(merchant, catalog, fake_supplier):
    del fake_supplier.products["PID-1"]

    sync(merchant)
    product = Product.objects.get(external_id="PID-1")
    assert (product.is_active, product.missing_count, product.stock_quantity) == (True, 1, 40)

    sync(merchant)
    product.refresh_from_db()
    assert (product.is_active, product.is_available) == (False, False)


def test_a_product_seen_again_forgets_an_earlier_miss(merchant, catalog, fake_supplier):
    saved = fake_supplier.products.pop("PID-1")
    sync(merchant)
    fake_supplier.products["PID-1"] = saved
    sync(merchant)
    del fake_supplier.products["PID-1"]
    sync(merchant)

    assert Product.objects.get(external_id="PID-1").is_active is True


def test_a_sync_without_a_cj_account_fails_with_a_message_to_connect_cj(merchant, fake_supplier):
    run = sync(merchant)

    assert run.status == SyncStatus.FAILED
    assert "connect CJ Dropshipping in Settings" in run.errors[0]["detail"]


def test_a_dry_run_changes_nothing(merchant, catalog, fake_supplier):
    fake_supplier.stock["PID-1-V1"] = 1

    run = sync(merchant, dry_run=True)

    assert run.changed == 1
    assert Variant.objects.get(external_id="PID-1-V1").stock_quantity == 20
    assert not SyncChange.objects.exists()


def test_a_sync_of_chosen_products_reads_only_those(merchant, catalog, fake_supplier):
    run = sync(merchant, product_ids=[str(catalog[0].pk)])

    assert run.total == 1
    assert {pid for name, pid in fake_supplier.calls} == {"PID-1"}


def test_a_second_full_sync_request_returns_the_queued_one(merchant, catalog):
    first = actions.start_sync(merchant, SyncTrigger.MANUAL)
    second = actions.start_sync(merchant, SyncTrigger.API)

    assert second.pk == first.pk
    assert SyncRun.objects.count() == 1


def test_a_stale_running_sync_no_longer_blocks_a_new_one(merchant, catalog):
    from django.utils import timezone

    first = actions.start_sync(merchant, SyncTrigger.MANUAL)
    SyncRun.objects.filter(pk=first.pk).update(
        status=SyncStatus.RUNNING, updated_at=timezone.now() - timezone.timedelta(hours=2)
    )

    second = actions.start_sync(merchant, SyncTrigger.MANUAL)

    assert second.pk != first.pk
    assert SyncRun.objects.get(pk=first.pk).status == SyncStatus.FAILED


def test_a_stock_webhook_re_reads_the_products_it_names(merchant, catalog, fake_supplier):
    fake_supplier.stock["PID-2-V1"] = 4
    event = WebhookEvent(
        message_id="m-1",
        topic="stock",
        action="UPDATE",
        payload={"PID-2-V1": [{"vid": "PID-2-V1", "countryCode": "CN", "storageNum": 4}]},
    )

    run = actions.apply_supplier_stock_event(merchant, event)

    assert (run.trigger, run.total, run.status) == (SyncTrigger.WEBHOOK, 1, SyncStatus.SUCCEEDED)
    assert Variant.objects.get(external_id="PID-2-V1").stock_quantity == 4


def test_a_webhook_for_an_unknown_product_does_nothing(merchant, catalog, fake_supplier):
    event = WebhookEvent(message_id="m-2", topic="product", action="UPDATE", payload={"pid": "ELSEWHERE"})

    assert actions.apply_supplier_stock_event(merchant, event) is None
    assert not SyncRun.objects.exists()


def test_a_sync_never_touches_another_merchants_products(merchant, other_merchant, catalog, fake_supplier):
    theirs = mirror(other_merchant, fake_supplier, "PID-1", stock=1)
    fake_supplier.stock["PID-1-V1"] = 2

    sync(merchant)

    assert Variant.objects.filter(product=theirs).first().stock_quantity == 1


def test_the_write_phase_skips_a_row_whose_stock_moved_meanwhile(merchant, catalog):
    variant = Variant.objects.get(external_id="PID-1-V1")
    stale = actions.VariantRow(variant.pk, 19, 5, Decimal("4.00"), Decimal("5.60"))

    skipped = actions.write_changed_rows(merchant.pk, [], [stale])

    assert skipped == 1
    assert Variant.objects.get(pk=variant.pk).stock_quantity == 20


def _row_as_read(product: Product, **changes) -> actions.ProductRow:
    state = {
        "supplier_stock": product.supplier_stock,
        "cost_price": product.cost_price,
        "price": product.price,
        "is_active": product.is_active,
        "is_available": product.is_available,
        "auto_deactivated": product.auto_deactivated,
        "missing_count": product.missing_count,
        **changes,
    }
    return actions.ProductRow(product.pk, product.supplier_stock, **state)


def test_the_write_phase_keeps_a_deactivation_made_after_the_sync_read_the_product(merchant, catalog):
    product = Product.objects.get(external_id="PID-1")
    read = _row_as_read(product, cost_price=Decimal("4.10"))  # read while active
    Product.objects.filter(pk=product.pk).update(is_active=False, auto_deactivated=True)  # then an order sold it out

    actions.write_changed_rows(merchant.pk, [read], [])

    product.refresh_from_db()
    assert (product.cost_price, product.is_active, product.auto_deactivated) == (Decimal("4.10"), False, True)


def test_the_write_phase_still_deactivates_a_product_cj_lost(merchant, catalog):
    product = Product.objects.get(external_id="PID-1")
    lost = _row_as_read(product, is_active=False, is_available=False, missing_count=2)

    actions.write_changed_rows(merchant.pk, [lost._replace(deactivates=True)], [])

    product.refresh_from_db()
    assert (product.is_active, product.is_available, product.auto_deactivated) == (False, False, False)


def test_large_flushes_are_split_into_statements_of_the_write_batch_size(merchant, catalog, fake_supplier, monkeypatch):
    monkeypatch.setattr(write_module, "WRITE_BATCH_ROWS", 2)
    for pid in ("PID-1", "PID-2", "PID-3"):
        fake_supplier.stock[f"{pid}-V1"] = 1

    with CaptureQueriesContext(connection) as queries:
        run = sync(merchant)

    variant_updates = [q for q in queries.captured_queries if "UPDATE inventory_variant AS" in q["sql"]]
    assert run.changed == 3
    assert len(variant_updates) == 2
    assert Product.objects.filter(stock_quantity=21).count() == 3


def test_an_open_circuit_stops_the_run_instead_of_failing_every_product(merchant, catalog, fake_supplier):
    from nexusone.suppliers.base import SupplierCircuitOpen

    def circuit_open(pid):
        raise SupplierCircuitOpen("CJ is failing; calls paused")

    fake_supplier.get_product_stock = circuit_open

    run = sync(merchant)

    assert run.status == SyncStatus.FAILED
    assert run.errors[0]["detail"].startswith("Stopped: CJ is failing")


def test_the_same_held_move_seen_again_is_not_recorded_again(merchant, catalog, fake_supplier):
    fake_supplier.set_cost("PID-1", "8.00")
    sync(merchant)

    run = sync(merchant)

    assert run.changed == 0
    assert SyncChange.objects.filter(status=ChangeStatus.HELD).count() == 1
    assert not SyncChange.objects.filter(status=ChangeStatus.REJECTED).exists()


def test_a_supplier_asking_for_a_long_wait_stops_the_run_at_once(merchant, catalog, fake_supplier):
    from nexusone.suppliers.base import SupplierRateLimited

    attempts = []

    def locked_out(pid):
        attempts.append(pid)
        raise SupplierRateLimited("CJ allows one login per 5 minutes", retry_after=300)

    fake_supplier.get_product_stock = locked_out

    run = sync(merchant)

    assert run.status == SyncStatus.FAILED
    assert "one login per 5 minutes" in run.errors[0]["detail"]
    assert len(attempts) == 1
