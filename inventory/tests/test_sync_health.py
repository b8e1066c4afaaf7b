"""The sync health panel's figures (issue 19, item 6) on fixtures: freshness at the edges, the points
projection, queue lag from a real message in the Redis queue, the last CJ message, the circuit, isolation
between stores and the panel's query bound."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.utils import timezone

from inventory.actions import schedule_offset, schedule_syncs, sync_health, sync_health_for
from inventory.actions.preferences import get_inventory_settings
from inventory.choices import SyncStatus, SyncTrigger
from inventory.models import ProductFreshness, SyncRun
from nexusone.accounts.choices import SyncFrequency
from nexusone.celery import app as celery_app
from nexusone.core.queues import peek_queue
from nexusone.suppliers.choices import WebhookState
from nexusone.suppliers.cj.circuit import CircuitBreaker
from nexusone.suppliers.cj.points import PointsLedger
from nexusone.suppliers.models import SupplierAccount, WebhookMessage
from tests.factories import MerchantFactory, ProductFactory, SupplierAccountFactory

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


@pytest.fixture
def connected(merchant):
    return SupplierAccountFactory(merchant=merchant)


@pytest.fixture
def other_connected(other_merchant):
    """Another store on its own CJ account (its own points)."""
    return SupplierAccountFactory(merchant=other_merchant, api_key="another-cj-key")


def read_at(merchant, moment: datetime | None, *, subscribed: bool = False):
    product = ProductFactory(merchant=merchant)
    ProductFreshness.objects.create(
        product=product, merchant=merchant, stock_read_at=moment, subscribed_at=NOON if subscribed else None
    )
    return product


# --- products by freshness ----------------------------------------------------------------------------------------


def test_products_fall_into_hour_day_and_older_buckets_at_the_edges(merchant, connected):
    for age in (timedelta(0), timedelta(minutes=59, seconds=59), timedelta(hours=1)):
        read_at(merchant, NOON - age)  # within the hour, the hour itself included
    for age in (timedelta(hours=1, seconds=1), timedelta(days=1)):
        read_at(merchant, NOON - age)  # within the day, the day itself included
    read_at(merchant, NOON - timedelta(days=1, seconds=1))  # older
    read_at(merchant, None)  # a freshness row, never read
    ProductFactory(merchant=merchant)  # no freshness row at all: never read

    fresh = sync_health(merchant, now=NOON).freshness

    assert (fresh.total, fresh.last_hour, fresh.last_day, fresh.older, fresh.never) == (8, 3, 2, 1, 2)
    assert fresh.stale == 3


def test_subscriptions_count_the_subscribed_products_of_the_catalog(merchant, connected):
    read_at(merchant, NOON, subscribed=True)
    read_at(merchant, NOON, subscribed=True)
    read_at(merchant, NOON)

    subscriptions = sync_health(merchant, now=NOON).subscriptions

    assert (subscriptions.subscribed, subscriptions.total) == (2, 3)


# --- points and their projection to the reset ----------------------------------------------------------------------


def test_a_pace_that_stays_within_the_budget_is_reported_as_enough(merchant, connected):
    with time_machine.travel(NOON, tick=False):
        PointsLedger(connected).correct({"usedToday": 10_000, "total": 50_000})
        health = sync_health(merchant)

    points = health.points
    assert (points.used, points.remaining, points.budget) == (10_000, 40_000, 50_000)
    assert points.percent_used == 20
    assert points.projected_at_reset == 20_000  # twice the half day's 10,000
    assert points.syncs_pause_at is None
    assert points.runs_out_at is None
    assert "enough for the day" in points.sentence
    assert health.all_well


def test_a_pace_that_reaches_the_reserve_says_when_syncs_pause(merchant, connected):
    six = NOON.replace(hour=6)
    with time_machine.travel(six, tick=False):
        PointsLedger(connected).correct({"usedToday": 15_000, "total": 50_000})
        health = sync_health(merchant)

    points = health.points
    # 15,000 in 6 hours is 2,500 an hour: syncs reach the reserve (40,000) at 16:00, the budget at 20:00.
    assert points.projected_at_reset == 60_000
    assert points.syncs_pause_at == NOON.replace(hour=16)
    assert points.runs_out_at == NOON.replace(hour=20)
    assert points.sentence.startswith("Points run out around 16:00 UTC at today's pace")
    assert any("16:00 UTC" in problem.text for problem in health.problems)


def test_early_in_the_utc_day_the_pace_is_not_projected(merchant, connected):
    with time_machine.travel(NOON.replace(hour=0, minute=10), tick=False):
        PointsLedger(connected).correct({"usedToday": 5_000, "total": 50_000})
        points = sync_health(merchant).points

    assert points.projected_at_reset is None
    assert points.syncs_pause_at is None
    assert "too early" in points.sentence


def test_points_cj_said_are_used_up_pause_syncs_until_midnight(merchant, connected):
    with time_machine.travel(NOON, tick=False):
        PointsLedger(connected).note_exhausted({"usedToday": 50_000, "remaining": 0, "total": 50_000})
        health = sync_health(merchant)

    assert health.points.paused_until == NOON.replace(hour=0) + timedelta(days=1)
    assert health.points.syncs_paused
    assert health.points.remaining == 0
    assert "pause until midnight UTC" in health.points.sentence
    assert not health.all_well


def test_syncs_pause_once_they_have_used_their_share_though_cj_has_not_said_so(merchant, connected):
    with time_machine.travel(NOON, tick=False):
        PointsLedger(connected).correct({"usedToday": 40_000, "total": 50_000})  # the reserve (20%) is all that is left
        points = sync_health(merchant).points

    assert points.paused_until is None
    assert points.syncs_paused
    assert points.remaining == 10_000
    assert points.sentence.startswith("Syncs have used their share of today's points")


# --- queue lag ------------------------------------------------------------------------------------------------------


@pytest.fixture
def celery_conf():
    """Change the Celery app's settings for one test."""
    saved = {}

    def change(**values):
        for key, value in values.items():
            saved.setdefault(key, getattr(celery_app.conf, key))
            setattr(celery_app.conf, key, value)

    yield change
    for key, value in saved.items():
        setattr(celery_app.conf, key, value)


@pytest.fixture
def sync_queue(celery_conf):
    """A queue of this test's own on the real broker (Redis): nothing else consumes it; emptied afterwards."""
    import redis

    name = f"sync-health-test-{uuid.uuid4().hex[:8]}"
    celery_conf(task_default_queue=name)
    yield name
    redis.Redis.from_url(django_settings.CELERY_BROKER_URL).delete(name)


def test_queue_lag_is_the_age_of_the_oldest_waiting_sync_message_in_redis(
    merchant, other_merchant, sync_queue, settings
):
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "the panel's queue test needs the Redis broker"
    sent_at = timezone.now()
    with time_machine.travel(sent_at - timedelta(minutes=20), tick=False):
        celery_app.send_task("inventory.scheduled_sync", args=[str(merchant.pk)], queue=sync_queue)
    with time_machine.travel(sent_at - timedelta(minutes=5), tick=False):
        celery_app.send_task("inventory.scheduled_sync", args=[str(merchant.pk)], queue=sync_queue)
    celery_app.send_task("core.heartbeat", queue=sync_queue)  # not a sync task

    peek = peek_queue({"inventory.scheduled_sync"}, queue=sync_queue)
    health = sync_health(merchant, now=sent_at)

    assert peek.readable
    assert len(peek.tasks) == 2
    assert health.queue.waiting == 2
    assert health.queue.minutes == 20
    assert any("waited 20 minutes" in problem.text for problem in health.problems)
    assert sync_health(other_merchant, now=sent_at).queue.waiting == 0


def test_a_waiting_run_message_counts_for_the_store_that_owns_the_run(merchant, other_merchant, sync_queue):
    run = SyncRun.objects.create(merchant=other_merchant, trigger=SyncTrigger.MANUAL)
    SyncRun.objects.filter(pk=run.pk).update(status=SyncStatus.RUNNING)  # its record no longer says queued
    moment = timezone.now()
    with time_machine.travel(moment - timedelta(minutes=3), tick=False):
        celery_app.send_task("inventory.run_sync", args=[str(run.pk)], queue=sync_queue)

    mine, theirs = sync_health_for([merchant, other_merchant], now=moment)

    assert mine.queue.waiting == 0
    assert (theirs.queue.waiting, theirs.queue.minutes) == (1, 3)


def test_a_queued_run_in_our_records_counts_when_the_broker_shows_nothing(merchant, sync_queue):
    moment = timezone.now()
    with time_machine.travel(moment - timedelta(minutes=7), tick=False):
        SyncRun.objects.create(merchant=merchant, trigger=SyncTrigger.API)

    queue = sync_health(merchant, now=moment).queue

    assert (queue.waiting, queue.minutes, queue.readable) == (1, 7, True)


def test_the_file_broker_of_the_demo_is_read_from_its_message_files(tmp_path, settings):
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(tmp_path)}
    message = (
        '{"body": "W1siYWJjIl0sIHt9LCB7fV0=", "content-type": "application/json",'
        ' "headers": {"task": "inventory.scheduled_sync", "nexusone_queued_at": 1764936000},'
        ' "properties": {"body_encoding": "base64"}}'
    )
    (tmp_path / "1_abc.celery.msg").write_text(message)
    (tmp_path / "2_def.other.msg").write_text(message)  # another queue

    peek = peek_queue({"inventory.scheduled_sync"}, queue="celery")

    assert peek.readable
    assert len(peek.tasks) == 1
    assert peek.tasks[0].args == ("abc",)
    assert peek.tasks[0].queued_at == datetime.fromtimestamp(1764936000, UTC)


def test_a_broker_that_cannot_be_read_leaves_the_lag_to_our_records(merchant, settings):
    settings.CELERY_BROKER_URL = "memory://"

    queue = sync_health(merchant).queue

    assert peek_queue({"inventory.scheduled_sync"}).readable is False
    assert queue.waiting == 0
    assert queue.seconds is None
    assert queue.readable is False


# --- last sync, next cycle, last message, token, circuit -------------------------------------------------------


def test_a_redis_broker_that_is_down_is_reported_not_readable(merchant, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there

    peek = peek_queue({"inventory.scheduled_sync"})

    assert peek.readable is False
    assert peek.note == "the queue could not be read"


def test_the_last_finished_sync_is_reported_with_its_counts_and_error(merchant, other_merchant, connected):
    SyncRun.objects.create(
        merchant=merchant,
        status=SyncStatus.FAILED,
        total=10,
        processed=4,
        failed=6,
        finished_at=NOON,
        errors=[{"detail": "CJ timed out"}],
    )
    SyncRun.objects.create(merchant=merchant, status=SyncStatus.QUEUED)  # not finished: not the result
    SyncRun.objects.create(merchant=other_merchant, status=SyncStatus.SUCCEEDED, finished_at=NOON)

    health = sync_health(merchant, now=NOON)

    last = health.last_sync
    assert (last.status, last.total, last.processed, last.failed, last.finished_at) == ("failed", 10, 4, 6, NOON)
    assert last.error == "CJ timed out"
    assert health.problems[0].text == "The last sync failed: CJ timed out"


def test_the_next_cycle_is_the_next_run_of_the_merchants_beat_schedule(merchant, connected):
    schedule(merchant, SyncFrequency.HOURLY)
    minute = schedule_offset(merchant)[0]

    health = sync_health(merchant, now=NOON.replace(minute=minute, second=30))

    # The planner runs a cycle every quarter hour, at the store's own minute offset.
    assert health.next_cycle_at == NOON.replace(minute=minute) + timedelta(minutes=15)


def test_without_a_schedule_there_is_no_next_cycle(merchant, connected):
    read_at(merchant, NOON)

    health = sync_health(merchant, now=NOON)

    assert health.next_cycle_at is None
    assert any("No sync is scheduled" in problem.text for problem in health.problems)


def test_the_last_cj_message_is_the_latest_received_for_the_store(merchant, other_merchant, connected):
    for topic, merchant_of in (("stock", merchant), ("product", merchant), ("order", other_merchant)):
        WebhookMessage.objects.create(
            merchant=merchant_of, message_id=uuid.uuid4().hex, topic=topic, state=WebhookState.PROCESSED
        )

    message = sync_health(merchant).last_message

    assert (message.topic, message.state) == ("product", "processed")


def test_token_expiry_comes_from_the_connection(merchant, connected):
    connected.access_token_expires_at = NOON + timedelta(days=10)
    connected.save()

    supplier = sync_health(merchant, now=NOON).supplier

    assert supplier.connected
    assert supplier.token_expires_at == NOON + timedelta(days=10)


def test_an_open_circuit_is_trouble_and_a_closed_one_is_not(merchant, connected):
    assert sync_health(merchant).supplier.circuit == "closed"
    breaker = CircuitBreaker.for_cj()
    for _ in range(breaker.threshold):
        breaker.record_failure()

    health = sync_health(merchant)

    assert health.supplier.circuit == "open"
    assert health.problems[0].weight == 3
    assert "CJ has been failing" in health.problems[0].text


def test_a_store_without_a_cj_connection_says_so(merchant, settings):
    settings.CJ_API_KEY = ""

    health = sync_health(merchant)

    assert health.points is None
    assert not health.supplier.connected
    assert "CJ is not connected" in health.problems[0].text


# --- isolation and query bounds --------------------------------------------------------------------------------


def test_another_stores_figures_never_appear(merchant, other_merchant, connected, other_connected):
    busy_store(other_merchant)
    read_at(merchant, NOON)
    schedule(merchant, SyncFrequency.DAILY)
    for _ in range(3):
        read_at(other_merchant, NOON - timedelta(days=3), subscribed=True)
    SyncRun.objects.create(merchant=other_merchant, status=SyncStatus.FAILED, finished_at=NOON)
    WebhookMessage.objects.create(merchant=other_merchant, message_id="theirs", topic="stock")
    with time_machine.travel(NOON, tick=False):
        PointsLedger(other_connected).correct({"usedToday": 45_000, "total": 50_000})
        health = sync_health(merchant)

    assert (health.freshness.total, health.freshness.older, health.subscriptions.subscribed) == (1, 0, 0)
    assert health.last_sync is None
    assert health.last_message is None
    assert health.points.used == 0
    assert health.all_well


def test_the_panel_of_one_store_takes_a_bounded_number_of_queries(merchant, connected, django_assert_max_num_queries):
    busy_store(merchant)

    with django_assert_max_num_queries(8):  # 6 for the figures, 2 for the planner's message (settings, catalog)
        health = sync_health(merchant)

    assert health.freshness.total == 3
    assert health.last_sync is not None
    assert health.last_message is not None


def test_the_panel_on_the_platforms_cj_key_writes_no_connection(merchant, settings):
    settings.CJ_API_KEY = "platform-key"

    health = sync_health(merchant)

    assert health.points is not None  # the platform's key stands in for the store's own connection
    assert health.plan_message
    assert not SupplierAccount.objects.filter(merchant=merchant).exists()


def test_the_panels_of_twenty_stores_take_as_many_queries_as_one(db, django_assert_max_num_queries):
    merchants = [MerchantFactory() for _ in range(20)]
    for merchant in merchants:
        SupplierAccountFactory(merchant=merchant, api_key=f"key-{merchant.pk}")
        busy_store(merchant)

    with django_assert_max_num_queries(8):
        panels = sync_health_for(merchants)

    assert [panel.merchant_id for panel in panels] == [merchant.pk for merchant in merchants]
    assert all(panel.freshness.total == 3 and panel.last_sync.status == "succeeded" for panel in panels)


def schedule(merchant, frequency: str) -> None:
    settings = get_inventory_settings(merchant)
    settings.sync_frequency = frequency
    schedule_syncs(merchant, settings)


def busy_store(merchant) -> None:
    schedule(merchant, SyncFrequency.DAILY)
    for age in (timedelta(minutes=5), timedelta(hours=5), timedelta(days=5)):
        read_at(merchant, timezone.now() - age, subscribed=True)
    SyncRun.objects.create(merchant=merchant, status=SyncStatus.SUCCEEDED, finished_at=timezone.now())
    SyncRun.objects.create(merchant=merchant, status=SyncStatus.QUEUED, trigger=SyncTrigger.API)
    WebhookMessage.objects.create(merchant=merchant, message_id=uuid.uuid4().hex, topic="stock")
