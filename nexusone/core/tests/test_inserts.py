import pytest
from django.db import IntegrityError, transaction

from nexusone.core.inserts import insert_together
from nexusone.core.models import AuditEvent
from orders.models import FulfillmentLog, Order

pytestmark = pytest.mark.django_db


def _order(merchant, reference: str) -> Order:
    return Order(merchant=merchant, reference=reference, customer_name="Ada", customer_email="ada@example.com")


def test_rows_of_several_models_are_inserted_in_one_statement_with_defaults_filled(merchant, django_assert_num_queries):
    order = _order(merchant, "#T1")
    logs = [FulfillmentLog(merchant=merchant, order=order, step=f"step.{n}", message=str(n)) for n in range(3)]
    event = AuditEvent(action="order.created", merchant=merchant, target_id=str(order.pk))

    with django_assert_num_queries(1):
        insert_together([order], logs, [event])

    stored = Order.objects.get(pk=order.pk)
    assert (stored.reference, stored.status, stored.created_at) == ("#T1", "pending", order.created_at)
    assert sorted(stored.logs.values_list("message", flat=True)) == ["0", "1", "2"]
    assert AuditEvent.objects.get(pk=event.pk).target_id == str(order.pk)
    assert not order._state.adding


def test_a_unique_violation_in_one_model_inserts_none_of_the_rows(merchant):
    insert_together([_order(merchant, "#T2")])
    order = _order(merchant, "#T2")
    log = FulfillmentLog(merchant=merchant, order=order, step="stock.reserved")

    with pytest.raises(IntegrityError), transaction.atomic():
        insert_together([log], [order])

    assert not FulfillmentLog.objects.filter(pk=log.pk).exists()
    assert Order.objects.filter(reference="#T2").count() == 1


def test_rows_without_a_primary_key_are_refused(merchant):
    order = _order(merchant, "#T3")
    order.pk = None

    with pytest.raises(ValueError, match="primary keys set"):
        insert_together([order])
