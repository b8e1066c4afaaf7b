import gc

import pytest

from nexusone.core.runtime import settle_worker


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_a_settled_worker_keeps_what_start_up_left_out_of_the_collector(unfrozen):
    settle_worker()

    assert gc.get_freeze_count() > 0


def test_the_freeze_can_be_turned_off(unfrozen, monkeypatch):
    monkeypatch.setenv("WORKER_GC_FREEZE", "0")

    settle_worker()

    assert gc.get_freeze_count() == 0
