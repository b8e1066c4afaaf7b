from celery import shared_task

from nexusone.core.tenancy import runs_for_merchant

from . import actions


@shared_task(name="imports.run_import_job", ignore_result=True, acks_late=True)
@runs_for_merchant(model="imports.ImportJob", object_arg="job_id")
def run_import_job_task(job_id: str) -> None:
    """Fetch and create the queued products of one import job (idempotent: finished jobs are left alone)."""
    actions.run_import_job(job_id)
