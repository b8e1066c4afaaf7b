"""Thin Celery tasks: load by id, call the action. Queued with transaction.on_commit."""

from __future__ import annotations

from celery import shared_task

from nexusone.core.tenancy import runs_for_merchant, runs_in_bypass

DISPATCH_TASK = "nexusone.notifications.tasks.dispatch_event_task"
DELIVER_TASK = "nexusone.notifications.tasks.deliver_webhook_task"
SWEEP_TASK = "nexusone.notifications.tasks.sweep_notifications_task"


@shared_task(name=DISPATCH_TASK, ignore_result=True)
@runs_for_merchant(model="notifications.Event", object_arg="event_id")
def dispatch_event_task(event_id: str) -> None:
    from .dispatch import dispatch_event

    dispatch_event(event_id)


@shared_task(name=DELIVER_TASK, ignore_result=True)
@runs_for_merchant(model="notifications.WebhookDelivery", object_arg="delivery_id")
def deliver_webhook_task(delivery_id: str) -> None:
    from .webhooks import deliver

    deliver(delivery_id)


@shared_task(name=SWEEP_TASK, ignore_result=True)
@runs_in_bypass("beat sweep of every store's lost events and due webhook deliveries")
def sweep_notifications_task() -> int:
    """Beat, every 30 s: queue events whose task was lost and the webhook attempts that are due; prune the
    live-event feed of the demo (no Redis)."""
    from nexusone.core.events import prune_feed

    from .dispatch import lost_event_ids
    from .webhooks import due_delivery_ids

    events = lost_event_ids()
    for event_id in events:
        dispatch_event_task.delay(event_id)
    deliveries = due_delivery_ids()
    for delivery_id in deliveries:
        deliver_webhook_task.delay(delivery_id)
    prune_feed()
    return len(events) + len(deliveries)
