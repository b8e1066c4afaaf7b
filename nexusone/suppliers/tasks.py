from celery import shared_task

from .actions import prune_supplier_call_logs

PRUNE_TASK = "nexusone.suppliers.tasks.prune_call_logs"


@shared_task(name=PRUNE_TASK, ignore_result=True)
def prune_call_logs() -> int:
    return prune_supplier_call_logs()
