"""The notification center over the API: list (all or unread), mark one read, mark all read, tenancy."""

from __future__ import annotations

import pytest

from conftest import jwt_client
from nexusone.notifications.actions import mark_read, notify
from nexusone.notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_api_lists_only_the_merchants_own_notifications(api, merchant, other_merchant):
    notify(merchant, "test", title="mine")
    notify(other_merchant, "test", title="theirs")
    titles = [n["title"] for n in api.get("/api/notifications").json()["results"]]
    assert titles == ["mine"]


def test_the_list_shows_newest_first_with_the_documented_fields(api, merchant):
    notify(merchant, "inventory.low_stock", title="older", level="warning", link="/inventory/")
    notify(merchant, "order.created", title="newer", body="Order #1001", data={"order": "1"})
    response = api.get("/api/notifications")
    assert response.status_code == 200
    newest, oldest = response.json()["results"]
    assert (newest["title"], oldest["title"]) == ("newer", "older")
    assert newest["event"] == "order.created"
    assert newest["body"] == "Order #1001"
    assert newest["data"] == {"order": "1"}
    assert newest["read"] is False
    assert newest["read_at"] is None
    assert oldest["level"] == "warning"
    assert oldest["link"] == "/inventory/"


def test_unread_true_lists_only_the_unread_notifications(api, merchant):
    mark_read(notify(merchant, "test", title="seen"))
    notify(merchant, "test", title="new")
    unread = api.get("/api/notifications", {"unread": "true"}).json()["results"]
    read = api.get("/api/notifications", {"unread": "false"}).json()["results"]
    assert [n["title"] for n in unread] == ["new"]
    assert [n["title"] for n in read] == ["seen"]


def test_marking_one_read_answers_it_read_and_keeps_the_first_time(api, merchant):
    note = notify(merchant, "test", title="mine")
    first = api.post(f"/api/notifications/{note.pk}/read")
    second = api.post(f"/api/notifications/{note.pk}/read/")
    assert first.status_code == second.status_code == 200
    assert first.json()["read"] is True
    assert second.json()["read_at"] == first.json()["read_at"]


def test_mark_all_read_marks_every_unread_notification_of_the_merchant_only(api, merchant, other_merchant):
    already = mark_read(notify(merchant, "test", title="seen"))
    notify(merchant, "test", title="one")
    notify(merchant, "test", title="two")
    theirs = notify(other_merchant, "test", title="theirs")
    response = api.post("/api/notifications/read-all")
    assert response.status_code == 200
    assert response.json() == {"marked_read": 2}
    assert not Notification.objects.filter(merchant=merchant, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=already.pk).read_at == already.read_at
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert api.get("/api/notifications", {"unread": "true"}).json()["results"] == []


def test_another_merchants_object_is_404_through_the_api(api, other_merchant):
    theirs = notify(other_merchant, "test", title="theirs")
    response = api.post(f"/api/notifications/{theirs.pk}/read")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_user_without_a_merchant_gets_403_not_a_crash_marking_a_notification(merchant):
    note = notify(merchant, "test", title="mine")
    response = jwt_client(UserFactory()).post(f"/api/notifications/{note.pk}/read")
    assert response.status_code == 403


def test_a_viewer_may_mark_a_notification_read(viewer_api, merchant):
    note = notify(merchant, "test", title="mine")
    assert viewer_api.post(f"/api/notifications/{note.pk}/read").json()["read"] is True


def test_a_viewer_may_mark_all_read(viewer_api, merchant):
    notify(merchant, "test", title="mine")
    response = viewer_api.post("/api/notifications/read-all/")
    assert response.status_code == 200
    assert response.json() == {"marked_read": 1}


def test_an_unread_filter_that_is_not_a_boolean_is_a_400_naming_it(api, merchant):
    notify(merchant, "test", title="mine")
    response = api.get("/api/notifications", {"unread": "sometimes"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "unread"
