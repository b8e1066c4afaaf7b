from celery import shared_task

from nexusone.core.tenancy import runs_in_bypass

from .actions import prune_supplier_call_logs

PRUNE_TASK = "nexusone.suppliers.tasks.prune_call_logs"


@shared_task(name=PRUNE_TASK, ignore_result=True)
@runs_in_bypass("pruning every store's old supplier call logs")
def prune_call_logs() -> int:
    return prune_supplier_call_logs()


@shared_task(name="nexusone.suppliers.tasks.drain_webhooks", ignore_result=True)
@runs_in_bypass("the CJ webhook inbox, before a message's store is known")
def drain_webhooks() -> int:
    """Process the webhook inbox; queued once per burst of incoming messages."""
    from . import inbox

    return inbox.drain_inbox()


@shared_task(name="nexusone.suppliers.tasks.sweep_webhooks", ignore_result=True)
@runs_in_bypass("beat sweep of the CJ webhook inbox")
def sweep_webhooks() -> int:
    """Beat: process stored messages whose task was lost."""
    from . import inbox

    ids = inbox.pending_webhook_ids()
    for message_id in ids:
        inbox.process_webhook(message_id)
    return len(ids)
