import pytest

from nexusone.accounts.plans import capabilities, cheapest_plan_for_products, require_feature
from nexusone.core.exceptions import PlanRequired


@pytest.mark.parametrize(("plan", "limit"), [("free", 10), ("pro", 100), ("premium", None)])
def test_product_limit_per_plan(plan, limit):
    assert capabilities(plan).product_limit == limit


def test_free_plan_cannot_sync_hourly_but_pro_can():
    assert "hourly" not in capabilities("free").sync_frequencies
    assert {"daily", "weekly"} <= capabilities("free").sync_frequencies
    assert "hourly" in capabilities("pro").sync_frequencies


def test_chrome_extension_is_premium_only():
    assert [p for p in ("free", "pro", "premium") if capabilities(p).chrome_extension] == ["premium"]


def test_automatic_fulfillment_needs_pro_or_better():
    assert not capabilities("free").automatic_fulfillment
    assert capabilities("pro").automatic_fulfillment


def test_require_feature_names_the_plan_that_lifts_it():
    with pytest.raises(PlanRequired) as exc:
        require_feature("pro", "chrome_extension")
    assert exc.value.get_codes() == "plan_required"
    assert "Premium" in str(exc.value.detail)
    require_feature("premium", "chrome_extension")  # no error


def test_cheapest_plan_for_a_product_count():
    assert cheapest_plan_for_products(10) == "free"
    assert cheapest_plan_for_products(11) == "pro"
    assert cheapest_plan_for_products(101) == "premium"
