"""A one-variant order is inserted and reserved in one statement (inventory.stock.reserve_with): what that
statement holds, what a refusal leaves behind, and that it never waits on another order while holding stock."""

from __future__ import annotations

import contextvars
import threading
import time
from contextlib import nullcontext

import pytest
from django.db import connection, connections, transaction

from inventory.models import Product, Variant
from nexusone.core.models import AuditEvent
from orders import actions
from orders.actions import create as create_module
from orders.models import FulfillmentLog, Order, OrderLine, OrderStatusEvent, SupplierSubmission

from .conftest import order_input

ORDER_ROWS = (Order, OrderLine, OrderStatusEvent, SupplierSubmission, FulfillmentLog, AuditEvent)


def _row_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ORDER_ROWS}


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_order_and_its_reservation_are_one_autocommitted_statement(
    merchant, account, variant
):
    actions.create_order(merchant, order_input(variant, 1, "#FIRST"))  # fills the quote cache and the settings
    statements: list[tuple[str, bool]] = []

    def record(execute, sql, params, many, context):
        statements.append((sql, connection.in_atomic_block))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        _, created = actions.create_order(merchant, order_input(variant, 2, "#ONE"))

    # (The outbox task that follows the commit runs in-process here and writes too: only the order's statement.)
    writes = [(sql, atomic) for sql, atomic in statements if 'INSERT INTO "orders_order"' in sql]
    assert created
    assert len(writes) == 1
    sql, in_transaction = writes[0]
    assert not in_transaction
    for table in ("orderline", "orderstatusevent", "suppliersubmission", "fulfillmentlog"):
        assert f'INSERT INTO "orders_{table}"' in sql
    assert (
        sql.index('INSERT INTO "orders_order"')
        < sql.index("UPDATE inventory_variant")
        < sql.index("UPDATE inventory_product")
    )
    variant.refresh_from_db()
    assert variant.stock_quantity == 7  # 3 units: reserved, then taken out of stock once CJ accepted them
    assert Product.objects.get(pk=variant.product_id).stock_quantity == 7


@pytest.mark.parametrize("autocommit", [True, False], ids=["autocommit", "in-a-transaction"])
@pytest.mark.django_db(transaction=True)
def test_stock_taken_after_the_early_check_refuses_the_order_and_writes_nothing(
    merchant, account, variant, monkeypatch, autocommit
):
    actions.create_order(merchant, order_input(variant, 1, "#FIRST"))
    monkeypatch.setattr(create_module, "refuse_if_short", lambda lines: None)  # the read saw stock that is gone
    Variant.objects.filter(pk=variant.pk).update(supplier_stock=1, reserved_quantity=1, stock_quantity=0)
    before = _row_counts()

    with pytest.raises(actions.InsufficientStock) as refused, transaction.atomic() if not autocommit else nullcontext():
        actions.create_order(merchant, order_input(variant, 1, "#LATE"))

    assert refused.value.shortages[0]["available"] == 0
    assert _row_counts() == before
    variant.refresh_from_db()
    assert (variant.stock_quantity, variant.reserved_quantity) == (0, 1)


@pytest.mark.django_db(transaction=True)
def test_an_order_never_waits_for_another_with_its_reference_while_holding_the_variant(merchant, account, variant):
    """Another order with the same reference is being written (uncommitted: the repeat's early read misses it)
    and its transaction then needs the variant. The repeat must wait on the unique reference before it locks
    the variant, or each would wait for the other (a deadlock, one of them killed after a second)."""
    other_started = threading.Event()
    outcome: dict[str, object] = {}

    def other_order() -> None:
        try:
            with transaction.atomic():
                other = Order.objects.create(merchant=merchant, reference="#SAME", customer_name="Other")
                outcome["other_id"] = other.pk
                other_started.set()
                time.sleep(0.5)  # the repeat reaches the unique reference and waits there
                Variant.objects.filter(pk=variant.pk).update(supplier_stock=20)
            outcome["other"] = "committed"
        except Exception as exc:  # noqa: BLE001 - reported through the assertion below
            outcome["other"] = exc
        finally:
            connections.close_all()

    def repeat() -> None:
        other_started.wait(5)
        try:
            outcome["repeat"] = actions.create_order(merchant, order_input(variant, 1, "#SAME"))
        except Exception as exc:  # noqa: BLE001
            outcome["repeat"] = exc
        finally:
            connections.close_all()

    jobs = (other_order, repeat)
    threads = [threading.Thread(target=contextvars.copy_context().run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert outcome["other"] == "committed"
    order, created = outcome["repeat"]
    assert (order.pk, created) == (outcome["other_id"], False)
    assert Order.objects.filter(reference="#SAME").count() == 1
    variant.refresh_from_db()
    assert (variant.supplier_stock, variant.reserved_quantity) == (20, 0)


@pytest.mark.django_db(transaction=True)
def test_stock_rules_failing_after_the_commit_never_report_a_written_order_as_not_created(
    merchant, account, variant, monkeypatch
):
    from django.db import DatabaseError

    from inventory.stock import holds

    def failing(*args, **kwargs):
        raise DatabaseError("rules failed")

    monkeypatch.setattr(holds, "_follow_reservation", failing)

    order, created = actions.create_order(merchant, order_input(variant, 1, "#RULES"))

    assert created
    order.refresh_from_db()
    assert order.status == "confirmed"  # queued for CJ after the commit all the same (the task runs in-process here)
