"""emit(): an event is written with the change and reaches the channels the preferences enable, after commit."""

from __future__ import annotations

import pytest
from django.db import transaction

from nexusone.accounts.choices import Role
from nexusone.notifications import dispatch
from nexusone.notifications.actions import UnknownEvent, emit
from nexusone.notifications.models import Event, Notification
from nexusone.notifications.preferences import update_preferences
from nexusone.notifications.tasks import sweep_notifications_task
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sms_sent(monkeypatch):
    sent: list[tuple[str, str]] = []
    monkeypatch.setattr(dispatch, "send_sms", lambda to, body: sent.append((to, body)) or "console")
    return sent


def out_of_stock(merchant, **kwargs):
    return emit(
        merchant,
        "inventory.out_of_stock",
        {"product_id": "p-1"},
        title="Out of stock: Desk Lamp",
        body="Desk Lamp is out of stock at CJ.",
        link="/inventory/?search=LAMP",
        **kwargs,
    )


def test_out_of_stock_reaches_the_app_and_the_owners_and_managers_by_email_by_default(
    merchant, owner, manager, viewer, committed, mailoutbox
):
    with committed():
        out_of_stock(merchant)

    notice = Notification.objects.get(merchant=merchant)
    assert (notice.event, notice.title, notice.data) == (
        "inventory.out_of_stock",
        "Out of stock: Desk Lamp",
        {"product_id": "p-1"},
    )
    assert len(mailoutbox) == 1
    assert sorted(mailoutbox[0].to) == sorted([owner.email, manager.email])
    assert mailoutbox[0].subject == "[Acme Goods] Out of stock: Desk Lamp"


def test_the_email_has_a_text_and_an_html_part_with_a_link_to_the_product(merchant, owner, committed, mailoutbox):
    with committed():
        out_of_stock(merchant)

    message = mailoutbox[0]
    assert "Desk Lamp is out of stock at CJ." in message.body
    assert "http://127.0.0.1:8000/inventory/?search=LAMP" in message.body
    html, mime = message.alternatives[0]
    assert mime == "text/html"
    assert 'href="http://127.0.0.1:8000/inventory/?search=LAMP"' in html


def test_nothing_leaves_before_the_transaction_commits(merchant, owner, django_capture_on_commit_callbacks, mailoutbox):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        out_of_stock(merchant)

    assert len(callbacks) == 1
    assert mailoutbox == []
    assert Event.objects.get().dispatched_at is None


def test_an_event_rolled_back_with_its_change_leaves_no_notice_and_sends_nothing(
    merchant, owner, committed, mailoutbox
):
    def change_that_fails() -> None:
        with transaction.atomic():
            out_of_stock(merchant)
            raise RuntimeError("the business change failed")

    with committed(), pytest.raises(RuntimeError):
        change_that_fails()

    assert not Event.objects.exists()
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_low_stock_is_in_the_app_only_by_default(merchant, owner, committed, mailoutbox, sms_sent):
    with committed():
        emit(merchant, "inventory.low_stock", {}, title="Low stock: Desk Lamp")

    assert Notification.objects.filter(event="inventory.low_stock").count() == 1
    assert mailoutbox == []
    assert sms_sent == []


def test_preferences_route_an_event_by_sms_and_not_in_the_app(merchant, owner, committed, mailoutbox, sms_sent):
    update_preferences(
        merchant,
        events={"order.failed": {"in_app": False, "email": False, "sms": True}},
        sms_to="+14155550100",
    )
    with committed():
        emit(merchant, "order.failed", {"order_id": "o-1"}, title="Order #1001 failed at CJ", body="Address refused.")

    assert not Notification.objects.exists()
    assert mailoutbox == []
    assert sms_sent == [("+14155550100", "Acme Goods: Order #1001 failed at CJ. Address refused.")]


def test_preferences_send_an_event_by_email_to_the_addresses_given_instead_of_the_team(
    merchant, owner, committed, mailoutbox
):
    update_preferences(merchant, events={"sync.completed": {"email": True}}, email_to=["Ops@Example.com"])
    with committed():
        emit(merchant, "sync.completed", {}, title="Sync finished")

    assert [m.to for m in mailoutbox] == [["ops@example.com"]]


def test_an_sms_needs_a_number(merchant, owner, committed, sms_sent):
    update_preferences(merchant, events={"sync.failed": {"sms": True}})
    with committed():
        emit(merchant, "sync.failed", {}, title="Inventory sync failed")

    assert sms_sent == []


def test_inactive_team_members_get_no_email(merchant, owner, committed, mailoutbox):
    gone = MembershipFactory(merchant=merchant, role=Role.MANAGER, user=UserFactory(is_active=False)).user
    with committed():
        out_of_stock(merchant)

    assert gone.email not in mailoutbox[0].to


def test_an_unknown_event_name_is_refused_and_nothing_is_written(merchant):
    with pytest.raises(UnknownEvent):
        emit(merchant, "inventory.melted", {}, title="?")
    assert not Event.objects.exists()


def test_an_event_is_dispatched_once_even_when_its_task_runs_twice(merchant, owner, committed, mailoutbox):
    with committed():
        event = out_of_stock(merchant)

    assert dispatch.dispatch_event(str(event.pk)) == set()
    assert len(mailoutbox) == 1


def test_the_sweep_dispatches_an_event_whose_task_was_lost(merchant, owner, eager_tasks, mailoutbox, time_machine):
    time_machine.move_to("2026-12-01 10:00:00Z")
    out_of_stock(merchant)  # committed without its callback: the broker was down
    time_machine.move_to("2026-12-01 10:01:00Z")
    sweep_notifications_task()
    assert mailoutbox == []  # not yet: its own task may still be on the way

    time_machine.move_to("2026-12-01 10:03:00Z")
    sweep_notifications_task()
    assert len(mailoutbox) == 1
    assert Event.objects.get().dispatched_at is not None


def test_connecting_the_chrome_extension_is_announced(merchant, owner):
    from extension_auth.actions import create_session
    from nexusone.accounts.choices import Plan

    merchant.plan = Plan.PREMIUM
    merchant.save(update_fields=["plan"])

    session, _ = create_session(owner, merchant, name="Work laptop")

    event = Event.objects.get(type="extension.session_created")
    assert event.data["session_id"] == str(session.pk)
    assert owner.email in event.title
