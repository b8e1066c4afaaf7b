"""The sync planner: which products a cycle reads, what it may spend, and what the merchant is told."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from inventory import actions
from inventory.actions.health.figures import next_run
from inventory.actions.planner import Reason, cycle_budget, cycles_left, plan_cycle, ranked_candidates
from inventory.actions.planner.capacity import Costs, Groups, split
from inventory.actions.planner.plan import plan_message
from inventory.actions.schedules import next_cycle_at
from inventory.models import ProductFreshness, SyncRun
from nexusone.suppliers.cj.points import PointsLedger, PointsStatus, next_reset
from orders.models import Order, OrderLine
from tests.factories import ProductFactory

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
SETTINGS_API = "/api/inventory/settings"
DAILY_COSTS = Costs(stock=10, price=10, price_reads_per_day=1)


def product(merchant, *, stock=50, read_hours_ago=None, price_hours_ago=None, subscribed=False, changed=False):
    item = ProductFactory(merchant=merchant, stock_quantity=stock, supplier_stock=stock)
    read_at = NOW - timedelta(hours=read_hours_ago) if read_hours_ago is not None else None
    ProductFreshness.objects.create(
        product=item,
        merchant=merchant,
        stock_read_at=read_at,
        price_read_at=NOW - timedelta(hours=price_hours_ago) if price_hours_ago is not None else read_at,
        subscribed_at=NOW - timedelta(days=10) if subscribed else None,
        changed_at=NOW - timedelta(minutes=5) if changed else None,
    )
    return item


def ranked(merchant, frequency="hourly", **settings):
    inventory_settings = actions.update_inventory_settings(merchant, sync_frequency=frequency, **settings)
    return [(c.product_id, c.reason) for c in ranked_candidates(merchant, inventory_settings, NOW, limit=100)]


def sold(merchant, item):
    order = Order.objects.create(
        merchant=merchant, reference=f"R-{item.pk}", customer_name="A", customer_email="a@b.co"
    )
    OrderLine.objects.create(merchant=merchant, order=order, product=item, external_variant_id="V", quantity=1)


# --- priorities ------------------------------------------------------------------------------


def test_low_stock_products_are_read_before_healthy_ones(merchant):
    healthy = product(merchant, stock=50, read_hours_ago=30)
    low = product(merchant, stock=2, read_hours_ago=25)

    assert ranked(merchant) == [(low.pk, Reason.LOW_STOCK), (healthy.pk, Reason.UNSUBSCRIBED)]


def test_unsubscribed_products_are_read_before_subscribed_ones(merchant):
    subscribed = product(merchant, read_hours_ago=40, subscribed=True)
    unsubscribed = product(merchant, read_hours_ago=26)

    assert ranked(merchant) == [(unsubscribed.pk, Reason.UNSUBSCRIBED), (subscribed.pk, Reason.DAILY_CHECK)]


def test_recently_sold_and_recently_changed_products_come_before_the_rest(merchant):
    plain = product(merchant, read_hours_ago=48)
    changed = product(merchant, read_hours_ago=1, subscribed=True, changed=True)
    bought = product(merchant, read_hours_ago=25)
    sold(merchant, bought)

    assert ranked(merchant) == [
        (bought.pk, Reason.RECENTLY_SOLD),
        (changed.pk, Reason.CHANGED),
        (plain.pk, Reason.UNSUBSCRIBED),
    ]


def test_subscribed_healthy_products_read_today_wait_while_others_are_kept_at_the_target(merchant):
    product(merchant, read_hours_ago=2, subscribed=True)
    unsubscribed = product(merchant, read_hours_ago=2)
    low = product(merchant, stock=1, read_hours_ago=3, subscribed=True)

    assert ranked(merchant) == [(low.pk, Reason.LOW_STOCK_TARGET), (unsubscribed.pk, Reason.UNSUBSCRIBED_TARGET)]


def test_the_daily_check_of_every_product_comes_before_hourly_reads(merchant):
    low_read_recently = product(merchant, stock=1, read_hours_ago=2)
    forgotten = product(merchant, read_hours_ago=30, subscribed=True)

    assert ranked(merchant) == [(forgotten.pk, Reason.DAILY_CHECK), (low_read_recently.pk, Reason.LOW_STOCK_TARGET)]


def test_a_daily_target_leaves_products_read_today_alone(merchant):
    product(merchant, stock=1, read_hours_ago=2)
    never_read = product(merchant)

    assert ranked(merchant, frequency="daily") == [(never_read.pk, Reason.UNSUBSCRIBED)]


def test_nothing_is_planned_when_refreshes_are_off(merchant):
    product(merchant)

    assert ranked(merchant, frequency="off") == []


# --- prices on their own clock ---------------------------------------------------------------


def test_costs_are_read_only_when_older_than_the_price_cycle(merchant):
    fresh = product(merchant, read_hours_ago=30, price_hours_ago=20)
    stale = product(merchant, read_hours_ago=31, price_hours_ago=30)
    inventory_settings = actions.update_inventory_settings(merchant, sync_frequency="hourly")

    due = {c.product_id: c.price_due for c in ranked_candidates(merchant, inventory_settings, NOW, limit=10)}
    assert due == {fresh.pk: False, stale.pk: True}

    inventory_settings = actions.update_inventory_settings(merchant, price_cycle="6h")
    due = {c.product_id: c.price_due for c in ranked_candidates(merchant, inventory_settings, NOW, limit=10)}
    assert due == {fresh.pk: True, stale.pk: True}


def test_a_planned_cycle_reads_costs_only_where_they_are_due(merchant, catalog, fake_supplier):
    first, second, third = catalog
    now = timezone.now()
    for item, price_age in ((first, 2), (second, 30), (third, 2)):
        ProductFreshness.objects.create(
            product=item,
            merchant=merchant,
            stock_read_at=now - timedelta(hours=26),
            price_read_at=now - timedelta(hours=price_age),
        )
    actions.update_inventory_settings(merchant, sync_frequency="hourly")

    run = actions.run_planned_cycle(merchant)

    assert run.trigger == "planned"
    assert sorted(run.stock_only_ids) == sorted([str(first.pk), str(third.pk)])
    assert [call for call in fake_supplier.calls if call[0] == "get_product"] == [("get_product", "PID-2")]
    assert len([call for call in fake_supplier.calls if call[0] == "get_product_stock"]) == 3
    freshness = ProductFreshness.objects.get(product=first)
    assert freshness.stock_read_at > now
    assert freshness.price_read_at < now


def test_the_price_cycle_is_a_setting_validated_in_the_api(api):
    url = SETTINGS_API

    bad = api.put(url, {"price_cycle": "hourly"}, format="json")
    good = api.put(url, {"price_cycle": "weekly"}, format="json")

    assert bad.status_code == 400
    assert "price_cycle" in str(bad.json())
    assert good.status_code == 200
    assert good.json()["price_cycle"] == "weekly"


# --- the budget ------------------------------------------------------------------------------


def status(used=0, budget=50_000, paused=False):
    until = next_reset(NOW) if paused else None
    return PointsStatus(budget=budget, used=used, reserve=budget // 5, resets_at=next_reset(NOW), paused_until=until)


def test_the_background_points_are_split_over_the_cycles_left_until_the_reset():
    assert cycles_left(NOW) == 48
    assert cycle_budget(status(), NOW) == 40_000 // 48
    assert cycle_budget(status(used=16_000), NOW) == 24_000 // 48
    assert cycle_budget(status(used=16_000), NOW.replace(hour=23, minute=50)) == 24_000


def test_the_reserve_is_never_planned_and_exhaustion_stops_planning():
    assert cycle_budget(status(used=40_000), NOW) == 0
    assert cycle_budget(status(used=45_000), NOW) == 0  # foreground calls used the reserve: nothing for us
    assert cycle_budget(status(paused=True), NOW) == 0


def test_room_is_left_for_cjs_messages_at_todays_pace(merchant):
    from inventory.actions.planner.budget import message_points_expected

    run = SyncRun.objects.create(merchant=merchant, trigger="webhook", is_full=False, api_calls=30)
    SyncRun.objects.filter(pk=run.pk).update(created_at=NOW - timedelta(hours=2))
    SyncRun.objects.create(merchant=merchant, trigger="planned", is_full=False, api_calls=500)

    # 30 reads (300 points) in the 12 hours so far: 300 more at that pace in the 12 hours left, twice that held
    assert message_points_expected(merchant, NOW) == 600
    assert cycle_budget(status(), NOW, held_for_messages=300) == (40_000 - 300) // 48
    assert cycle_budget(status(used=39_900), NOW, held_for_messages=300) == 0


def test_a_cycle_reads_no_more_than_its_points(merchant):
    cheap = product(merchant, read_hours_ago=30, price_hours_ago=1)
    product(merchant, read_hours_ago=29, price_hours_ago=30)  # needs its costs too: 20 points
    product(merchant, read_hours_ago=28, price_hours_ago=1)
    actions.update_inventory_settings(merchant, sync_frequency="hourly")

    assert [c.product_id for c in plan_cycle(merchant, NOW, 25)] == [cheap.pk]
    assert len(plan_cycle(merchant, NOW, 40)) == 3
    assert plan_cycle(merchant, NOW, 9) == []


def test_no_reads_are_planned_while_cj_says_the_points_ran_out(merchant, catalog, fake_supplier, cj_account):
    actions.update_inventory_settings(merchant, sync_frequency="hourly")
    PointsLedger(cj_account).note_exhausted({"usedToday": 50_000, "remaining": 0, "total": 50_000})

    assert actions.run_planned_cycle(merchant) is None
    assert fake_supplier.calls == []
    assert not SyncRun.objects.exists()


# --- what the merchant is told ---------------------------------------------------------------


def test_split_spends_the_daily_check_before_the_target():
    result = split(Groups(needy=0, unsubscribed=1_000, subscribed=9_000), 24, DAILY_COSTS, 40_000)

    assert (result.at_target, result.at_daily, result.behind) == (0, 1_000, 9_000)
    assert result.points_needed == 1_000 * 20 + 9_000 * 20 + 1_000 * 230
    assert plan_message("hourly", 10_000, result) == (
        "0 products refresh hourly within your CJ points; 1,000 daily; 9,000 less often than daily."
    )


def test_split_gives_needy_products_the_target_first():
    result = split(Groups(needy=100, unsubscribed=400, subscribed=500), 24, DAILY_COSTS, 40_000)

    # daily checks: 1,000 × 20 = 20,000; the needy at hourly: 100 × 230 = 23,000 > the 20,000 left
    assert (result.at_target, result.at_daily, result.behind) == (500, 500, 0)
    assert plan_message("hourly", 1_000, result) == "500 products refresh hourly within your CJ points; 500 daily."


def test_split_says_all_when_the_target_fits():
    result = split(Groups(needy=5, unsubscribed=10, subscribed=85), 24, DAILY_COSTS, 40_000)

    assert (result.at_target, result.at_daily, result.behind) == (100, 0, 0)
    assert plan_message("hourly", 100, result) == "All 100 products refresh hourly within your CJ points."


def test_the_plan_of_a_small_catalog_meets_an_hourly_target(merchant, catalog, cj_account):
    actions.update_inventory_settings(merchant, sync_frequency="hourly")

    plan = actions.freshness_plan(merchant, now=NOW)

    assert (plan.products, plan.at_target, plan.behind) == (3, 3, 0)
    assert plan.points_available_per_day == 40_000
    assert plan.points_needed_per_day == 3 * 250
    assert plan.message == "All 3 products refresh hourly within your CJ points."
    assert plan.advice == ()
    assert plan.next_cycle_at > NOW
    assert plan.next_cycle_at - NOW <= timedelta(minutes=15)


def test_the_next_planned_cycle_is_the_next_run_of_the_beat_schedule(merchant):
    from django_celery_beat.models import PeriodicTask

    actions.update_inventory_settings(merchant, sync_frequency="daily")
    task = PeriodicTask.objects.select_related("crontab").get(name=actions.schedule_name(merchant))

    for now in (NOW.replace(minute=minute, second=second) for minute in range(60) for second in (0, 30)):
        assert next_cycle_at(merchant, now) == next_run(task, now)


def test_a_target_that_cannot_be_met_says_so_and_what_would_help(merchant, catalog, cj_account):
    actions.update_inventory_settings(merchant, sync_frequency="hourly")
    PointsLedger(cj_account).correct({"usedToday": 0, "remaining": 100, "total": 100})

    plan = actions.freshness_plan(merchant)

    assert plan.points_available_per_day == 80
    assert (plan.at_target, plan.at_daily, plan.behind) == (0, 3, 0)
    assert plan.message == "0 products refresh hourly within your CJ points; 3 daily."
    assert any("not covered by CJ's messages" in line for line in plan.advice)
    assert any("Fewer products on hourly" in line for line in plan.advice)


def test_the_settings_api_and_page_show_the_plan(merchant, catalog, cj_account, api, owner_client):
    actions.update_inventory_settings(merchant, sync_frequency="hourly")

    body = api.get(SETTINGS_API).json()
    page = owner_client.get(reverse("inventory:settings"))

    assert body["freshness_plan"]["message"] == "All 3 products refresh hourly within your CJ points."
    assert body["freshness_plan"]["at_target"] == 3
    assert "All 3 products refresh hourly within your CJ points." in page.content.decode()


def test_the_command_runs_one_planned_cycle(merchant, catalog, fake_supplier, capsys):
    actions.update_inventory_settings(merchant, sync_frequency="hourly")

    call_command("sync_inventory", "--merchant", str(merchant.pk), "--planned")

    run = SyncRun.objects.get()
    assert (run.trigger, run.total, run.status) == ("planned", 3, "succeeded")
    call_command("sync_inventory", "--merchant", str(merchant.pk), "--planned")
    assert SyncRun.objects.count() == 1  # all three were just read: nothing is due
    assert "nothing due" in capsys.readouterr().out


def test_a_planned_cycle_announces_itself_only_when_it_changed_something(merchant, catalog, fake_supplier):
    from nexusone.notifications.models import Notification

    actions.update_inventory_settings(merchant, sync_frequency="hourly")
    actions.run_planned_cycle(merchant)
    assert not Notification.objects.filter(merchant=merchant, event="sync.completed").exists()

    fake_supplier.stock["PID-1-V1"] = 3
    ProductFreshness.objects.filter(merchant=merchant).update(stock_read_at=timezone.now() - timedelta(days=2))
    run = actions.run_planned_cycle(merchant)

    assert run.changed == 1
    assert Notification.objects.filter(merchant=merchant, event="sync.completed").count() == 1
