"""Thin tasks: load by id and call the action."""

from celery import shared_task

from nexusone.core.tenancy import runs_for_merchant, runs_in_bypass

DELETE_OLD_EXPORTS_TASK = "nexusone.accounts.tasks.delete_old_exports_task"


@shared_task(name="nexusone.accounts.tasks.build_export_task", ignore_result=True)
@runs_for_merchant(model="accounts.DataExport", object_arg="export_id")
def build_export_task(export_id: str) -> None:
    from .exports import build_export

    build_export(export_id)


@shared_task(name=DELETE_OLD_EXPORTS_TASK, ignore_result=True)
@runs_in_bypass("deleting every store's expired data exports")
def delete_old_exports_task() -> int:
    from .exports import delete_old_exports

    return delete_old_exports()


@shared_task(name="nexusone.accounts.tasks.erase_deleted_stores_task", ignore_result=True)
@runs_in_bypass("erasing the stores whose deletion is due")
def erase_deleted_stores_task() -> int:
    from .deletion import erase_due_stores

    return erase_due_stores()
