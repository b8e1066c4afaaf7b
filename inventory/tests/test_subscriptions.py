"""Webhook subscriptions against the CJ sandbox: batches, caps, deletes and reconciliation with CJ's list."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from inventory import actions
from inventory.models import Product, ProductFreshness
from nexusone.suppliers.cj.points import PointsLedger

pytestmark = pytest.mark.django_db(transaction=True)


def catalog_of(merchant, pids):
    return Product.objects.bulk_create(
        [Product(merchant=merchant, external_id=pid, name=f"Product {pid}") for pid in pids]
    )


def subscribed_here(merchant) -> set[str]:
    return set(
        ProductFreshness.objects.for_merchant(merchant)
        .filter(subscribed_at__isnull=False)
        .values_list("product__external_id", flat=True)
    )


def test_products_are_subscribed_in_batches_of_100_charged_to_background_points(
    merchant, cj_sandbox, cj_sandbox_account
):
    pids = sorted(cj_sandbox.state.products)[:230]
    catalog_of(merchant, pids)

    result = actions.subscribe_products(merchant)

    assert result.subscribed == 230
    assert cj_sandbox.control("state", method="GET")["stats"]["by_path"]["webhook/product/subscribe"] == 3
    assert cj_sandbox.state.subscribed == set(pids)
    assert subscribed_here(merchant) == set(pids)
    assert PointsLedger(cj_sandbox_account).status().by_purpose["background"] == 30
    assert actions.subscribe_products(merchant).subscribed == 0  # nothing left: no call


def test_ids_cj_refuses_over_its_cap_stay_unsubscribed_here(merchant, cj_sandbox, cj_sandbox_account):
    pids = sorted(cj_sandbox.state.products)[:10]
    catalog_of(merchant, pids)
    cj_sandbox.control("state", {"subscription_cap": 4})

    result = actions.subscribe_products(merchant)

    assert (result.subscribed, result.failed) == (4, 6)
    assert len(subscribed_here(merchant)) == 4


def test_deleting_a_subscribed_product_unsubscribes_it_at_cj(merchant, cj_sandbox, cj_sandbox_account, eager_celery):
    first, second = catalog_of(merchant, sorted(cj_sandbox.state.products)[:2])
    actions.subscribe_products(merchant)

    actions.delete_product(first)

    assert cj_sandbox.state.subscribed == {second.external_id}


def test_sync_subscriptions_squares_our_records_with_cjs_list(merchant, cj_sandbox, cj_sandbox_account, capsys):
    pids = sorted(cj_sandbox.state.products)
    kept, lost, fresh = catalog_of(merchant, pids[:3])
    actions.subscribe_products(merchant)
    stray = pids[10]
    with cj_sandbox.state.lock:
        cj_sandbox.state.subscribed.discard(lost.external_id)  # CJ forgot it
        cj_sandbox.state.subscribed.add(stray)  # a product no store carries
    ProductFreshness.objects.filter(product=fresh).update(subscribed_at=None)  # CJ has it, we did not record it

    call_command("cj_webhooks", "--sync-subscriptions")

    assert cj_sandbox.state.subscribed == {kept.external_id, lost.external_id, fresh.external_id}
    assert subscribed_here(merchant) == {kept.external_id, lost.external_id, fresh.external_id}
    out = capsys.readouterr().out
    assert "2 already subscribed, 1 subscribed, 1 unsubscribed" in out
