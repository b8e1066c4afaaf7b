"""The outbox: nothing sent twice, nothing lost."""

from datetime import timedelta

import pytest
from django.utils import timezone

from orders import actions, tasks
from orders.choices import OrderStatus, SubmissionState
from orders.models import SupplierSubmission
from tests.concurrency import run_together

from .conftest import order_input


def _pending(merchant, variant, reference="#1001", quantity=1):
    order, _ = actions.create_order(merchant, order_input(variant, quantity, reference))
    return order, SupplierSubmission.objects.get(order=order)


def _make_due(submission):
    SupplierSubmission.objects.filter(pk=submission.pk).update(next_attempt_at=timezone.now())


@pytest.mark.django_db
def test_a_timeout_after_sending_becomes_unknown_and_is_reconciled_without_a_second_create(
    merchant, account, variant, fake_supplier
):
    order, submission = _pending(merchant, variant)
    fake_supplier.create_fault = "unknown"

    actions.submit_order(submission.pk)
    submission.refresh_from_db()
    assert submission.state == SubmissionState.UNKNOWN
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING

    fake_supplier.create_fault = ""
    _make_due(submission)
    actions.submit_order(submission.pk)

    submission.refresh_from_db()
    order.refresh_from_db()
    assert submission.state == SubmissionState.ACCEPTED
    assert order.status == OrderStatus.CONFIRMED
    assert fake_supplier.create_calls("#1001") == 1
    assert ("find_order", str(order.pk)) in fake_supplier.calls


@pytest.mark.django_db
def test_an_unknown_outcome_that_never_landed_is_sent_again_after_the_lookup(merchant, account, variant, fake_supplier):
    order, submission = _pending(merchant, variant)
    fake_supplier.create_fault = "unknown_unsent"
    actions.submit_order(submission.pk)
    fake_supplier.create_fault = ""
    _make_due(submission)

    actions.submit_order(submission.pk)

    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED
    assert fake_supplier.create_calls("#1001") == 2
    assert len(fake_supplier.orders) == 1


@pytest.mark.django_db
def test_while_the_circuit_is_open_the_order_waits_as_pending_and_goes_out_when_it_closes(
    merchant, account, variant, fake_supplier
):
    order, submission = _pending(merchant, variant)
    fake_supplier.create_fault = "circuit_open"

    actions.submit_order(submission.pk)

    submission.refresh_from_db()
    order.refresh_from_db()
    assert submission.state == SubmissionState.PENDING
    assert submission.attempts == 0
    assert submission.next_attempt_at > timezone.now()
    assert order.status == OrderStatus.PENDING

    fake_supplier.create_fault = ""
    _make_due(submission)
    swept = tasks.sweep_submissions_task()

    order.refresh_from_db()
    assert swept == 1
    assert order.status == OrderStatus.CONFIRMED


@pytest.mark.django_db
def test_a_row_left_sending_by_a_crashed_worker_is_picked_up_and_looked_up_first(
    merchant, account, variant, fake_supplier
):
    order, submission = _pending(merchant, variant)
    claimed = actions.claim_submission(submission.pk)  # the worker dies right after this
    assert claimed is not None
    assert actions.due_submission_ids() == []

    SupplierSubmission.objects.filter(pk=submission.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))
    assert actions.due_submission_ids() == [submission.pk]
    tasks.sweep_submissions_task()

    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED
    number = str(order.pk)  # CJ's orderNumber is our order id
    assert fake_supplier.calls.index(("find_order", number)) < fake_supplier.calls.index(("create_order", number))


@pytest.mark.django_db
def test_a_sending_row_is_not_claimed_twice(merchant, account, variant):
    _, submission = _pending(merchant, variant)

    assert actions.claim_submission(submission.pk) is not None
    assert actions.claim_submission(submission.pk) is None


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_the_same_row_submit_it_once(merchant, account, variant, fake_supplier, monkeypatch):
    monkeypatch.setattr(tasks.submit_order_task, "delay", lambda submission_id: None)  # the race alone sends it
    _, submission = _pending(merchant, variant)

    race = run_together(6, lambda _: actions.submit_order(submission.pk))

    assert race.errors == []
    assert fake_supplier.create_calls("#1001") == 1
    submission.refresh_from_db()
    assert submission.state == SubmissionState.ACCEPTED


@pytest.mark.django_db(transaction=True)
def test_after_commit_the_task_submits_the_order(merchant, account, variant, fake_supplier):
    order, _ = actions.create_order(merchant, order_input(variant, 1))

    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED
    assert fake_supplier.create_calls("#1001") == 1


@pytest.mark.django_db
def test_cj_saying_the_order_exists_leads_to_a_lookup_not_a_new_number(merchant, account, variant, fake_supplier):
    order, submission = _pending(merchant, variant)
    from nexusone.suppliers.base import SupplierOrder

    number = str(order.pk)
    fake_supplier.orders[number] = SupplierOrder(order_id="CJ-EXISTING", reference=number, status="CREATED")

    actions.submit_order(submission.pk)
    _make_due(submission)
    actions.submit_order(submission.pk)

    order.refresh_from_db()
    assert order.external_order_id == "CJ-EXISTING"
    assert order.status == OrderStatus.CONFIRMED


@pytest.mark.django_db
def test_two_stores_with_the_same_reference_get_two_cj_orders_on_one_cj_account(
    merchant, other_merchant, account, variant, fake_supplier
):
    """The store's reference is not CJ's orderNumber: "#1001" at two stores are two CJ orders."""
    from tests.factories import ProductFactory, SupplierAccountFactory, VariantFactory

    SupplierAccountFactory(merchant=other_merchant, api_key=account.api_key)
    other_variant = VariantFactory(product=ProductFactory(merchant=other_merchant), stock_quantity=10)
    first, _ = actions.create_order(merchant, order_input(variant, 1, reference="#1001"))
    second, _ = actions.create_order(other_merchant, order_input(other_variant, 1, reference="#1001"))
    actions.submit_order(first.submission.pk)
    actions.submit_order(second.submission.pk)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == OrderStatus.CONFIRMED
    assert first.external_order_id != second.external_order_id
    assert fake_supplier.create_calls() == 2
