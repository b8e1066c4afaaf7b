"""Sync runs and held changes move only as their tables allow; an illegal move is a named 409 error."""

from __future__ import annotations

import pytest

from inventory.actions.sync.run import execute_sync, expire_stale_runs, finish_run
from inventory.choices import CHANGE_TRANSITIONS, SYNC_TRANSITIONS, ChangeStatus, SyncStatus, SyncTrigger
from inventory.models import SyncRun
from nexusone.core.exceptions import InvalidTransition


@pytest.mark.parametrize("finished", [SyncStatus.SUCCEEDED, SyncStatus.PARTIAL, SyncStatus.FAILED])
def test_a_finished_run_never_moves_again(finished):
    assert all(not SYNC_TRANSITIONS.allows(finished, status) for status in SyncStatus.values)


def test_a_decided_change_never_moves_again():
    for decided in (ChangeStatus.APPLIED, ChangeStatus.REJECTED):
        assert all(not CHANGE_TRANSITIONS.allows(decided, status) for status in ChangeStatus.values)
    assert CHANGE_TRANSITIONS.sources(ChangeStatus.REJECTED) == {ChangeStatus.HELD}


def test_finishing_a_run_twice_is_an_invalid_transition_answered_409(merchant):
    run = SyncRun.objects.create(merchant=merchant, trigger=SyncTrigger.MANUAL, status=SyncStatus.SUCCEEDED)

    with pytest.raises(InvalidTransition) as error:
        finish_run(run, SyncStatus.FAILED, [])

    assert error.value.status_code == 409
    assert "sync run is succeeded; it cannot become failed" in str(error.value.detail)
    run.refresh_from_db()
    assert run.status == SyncStatus.SUCCEEDED


def test_a_run_already_finished_is_not_claimed_again(merchant, cj_account):
    run = SyncRun.objects.create(merchant=merchant, trigger=SyncTrigger.MANUAL, status=SyncStatus.FAILED)

    assert execute_sync(run).status == SyncStatus.FAILED
    assert run.started_at is None


def test_expiring_stale_runs_leaves_finished_runs_alone(merchant):
    old = SyncRun.objects.create(merchant=merchant, trigger=SyncTrigger.MANUAL, status=SyncStatus.SUCCEEDED)
    SyncRun.objects.filter(pk=old.pk).update(updated_at=old.created_at.replace(year=2000))

    assert expire_stale_runs(merchant) == 0
    old.refresh_from_db()
    assert old.status == SyncStatus.SUCCEEDED


def test_staff_cannot_set_a_status_by_hand_in_the_admin(admin_client, merchant):
    from imports.models import ImportJob
    from inventory.models import SyncChange
    from tests.factories import ProductFactory

    run = SyncRun.objects.create(merchant=merchant, trigger=SyncTrigger.MANUAL)
    change = SyncChange.objects.create(merchant=merchant, product=ProductFactory(merchant=merchant), kind="stock")
    job = ImportJob.objects.create(merchant=merchant, source="ids")
    pages = [
        f"/admin/inventory/syncrun/{run.pk}/change/",
        f"/admin/inventory/syncchange/{change.pk}/change/",
        f"/admin/imports/importjob/{job.pk}/change/",
    ]
    for page in pages:
        response = admin_client.get(page)
        assert response.status_code == 200
        assert 'name="status"' not in response.content.decode()
