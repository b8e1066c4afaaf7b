from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django_celery_beat.models import PeriodicTask

from inventory import actions
from inventory.pricing import PriceRule, price_for
from nexusone.accounts.actions import change_plan
from tests.factories import MerchantFactory


@pytest.mark.parametrize(
    ("rule", "cost", "price"),
    [
        (PriceRule("percent", Decimal("40")), "4.00", "5.60"),
        (PriceRule("fixed", Decimal("2.50")), "4.00", "6.50"),
        (PriceRule("multiplier", Decimal("2")), "4.10", "8.20"),
        (PriceRule("percent", Decimal("40"), round_to_99=True), "4.00", "5.99"),
        (PriceRule("percent", Decimal("10"), minimum_profit=Decimal("3")), "4.00", "7.00"),
        (PriceRule("percent", Decimal("33.333")), "1.00", "1.33"),
    ],
)
def test_price_for_applies_markup_minimum_profit_and_rounding(rule, cost, price):
    assert price_for(Decimal(cost), rule) == Decimal(price)


def test_compute_price_uses_the_merchant_default_or_the_given_markup(merchant):
    actions.update_inventory_settings(merchant, markup_type="fixed", markup_value=Decimal("5"))

    assert actions.compute_price(merchant, "10") == Decimal("15.00")
    assert actions.compute_price(merchant, "10", {"type": "percent", "value": "40"}) == Decimal("14.00")


def test_compute_price_rejects_a_bad_markup_naming_it(merchant):
    with pytest.raises(ValidationError) as caught:
        actions.compute_price(merchant, "10", {"type": "percent", "value": "-4"})

    assert "markup" in caught.value.message_dict


def test_settings_create_a_quarter_hourly_planned_cycle_spread_per_merchant(merchant):
    actions.update_inventory_settings(merchant, sync_frequency="hourly")

    task = PeriodicTask.objects.get(name=actions.schedule_name(merchant))
    first = actions.schedule_offset(merchant)[0] % 15
    assert task.task == actions.SCHEDULED_SYNC_TASK
    assert json.loads(task.args) == [str(merchant.pk)]
    assert task.crontab.minute == ",".join(str(first + step) for step in (0, 15, 30, 45))
    assert (task.crontab.hour, task.crontab.day_of_week) == ("*", "*")


def test_changing_the_frequency_updates_the_same_task(merchant):
    actions.update_inventory_settings(merchant, sync_frequency="hourly")
    actions.update_inventory_settings(merchant, sync_frequency="weekly")

    task = PeriodicTask.objects.get(name=actions.schedule_name(merchant))
    assert PeriodicTask.objects.filter(name=actions.schedule_name(merchant)).count() == 1
    assert "weekly target" in task.description


def test_turning_syncs_off_removes_the_schedule(merchant):
    actions.update_inventory_settings(merchant, sync_frequency="daily")
    actions.update_inventory_settings(merchant, sync_frequency="off")

    assert not PeriodicTask.objects.filter(name=actions.schedule_name(merchant)).exists()


def test_a_free_plan_cannot_schedule_hourly_syncs(db):
    merchant = MerchantFactory(plan="free")

    with pytest.raises(ValidationError) as caught:
        actions.update_inventory_settings(merchant, sync_frequency="hourly")

    assert "sync_frequency" in caught.value.message_dict
    assert not PeriodicTask.objects.filter(name=actions.schedule_name(merchant)).exists()


def test_a_downgrade_moves_an_hourly_schedule_to_daily(merchant):
    actions.update_inventory_settings(merchant, sync_frequency="hourly")

    change_plan(merchant, "free")

    assert actions.get_inventory_settings(merchant).sync_frequency == "daily"
    task = PeriodicTask.objects.get(name=actions.schedule_name(merchant))
    assert "daily target" in task.description


def test_merchants_do_not_all_sync_at_the_same_minute(db):
    merchants = [MerchantFactory() for _ in range(12)]

    offsets = {actions.schedule_offset(m)[:2] for m in merchants}

    assert len(offsets) > 6


def test_the_scheduled_task_runs_a_planned_cycle(merchant, catalog, fake_supplier):
    from inventory.models import SyncRun
    from inventory.tasks import scheduled_sync_task

    fake_supplier.stock["PID-1-V1"] = 2
    scheduled_sync_task(str(merchant.pk))

    run = SyncRun.objects.get()
    assert (run.trigger, run.status, run.total, run.changed) == ("planned", "succeeded", 3, 1)
