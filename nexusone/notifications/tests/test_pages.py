"""The notification center page: the merchant's notices, unread only, mark one or all read."""

from __future__ import annotations

import pytest
from django.urls import reverse

from nexusone.notifications.actions import mark_read, notify
from nexusone.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_the_page_lists_the_merchants_notifications_and_not_another_merchants(owner_client, merchant, other_merchant):
    notify(merchant, "inventory.low_stock", title="Desk Lamp is low on stock", body="3 left at CJ.")
    notify(other_merchant, "test", title="Someone else's notice")
    response = owner_client.get("/notifications/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Desk Lamp is low on stock" in page
    assert "3 left at CJ." in page
    assert "Someone else&#x27;s notice" not in page
    assert "Someone else's notice" not in page


def test_unread_only_hides_what_was_read(owner_client, merchant):
    mark_read(notify(merchant, "test", title="Already seen"))
    notify(merchant, "test", title="Still new")
    page = owner_client.get("/notifications/?unread=true").content.decode()
    assert "Still new" in page
    assert "Already seen" not in page


def test_an_empty_center_says_so(owner_client, merchant):
    page = owner_client.get(reverse("notifications:index")).content.decode()
    assert "No notifications yet." in page


def test_mark_read_marks_it_and_returns_to_the_list(owner_client, merchant):
    note = notify(merchant, "test", title="mine")
    response = owner_client.post(reverse("notifications:read", args=[note.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:index")
    assert Notification.objects.get(pk=note.pk).read_at is not None


def test_mark_all_read_marks_the_merchants_notifications_and_says_how_many(owner_client, merchant, other_merchant):
    notify(merchant, "test", title="one")
    notify(merchant, "test", title="two")
    theirs = notify(other_merchant, "test", title="theirs")
    response = owner_client.post(reverse("notifications:read_all"), follow=True)
    assert response.status_code == 200
    assert "2 notifications marked read." in response.content.decode()
    assert not Notification.objects.filter(merchant=merchant, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_a_viewer_may_mark_notifications_read_on_the_page(viewer_client, merchant):
    note = notify(merchant, "test", title="mine")
    assert viewer_client.post(reverse("notifications:read", args=[note.pk])).status_code == 302
    assert Notification.objects.get(pk=note.pk).read_at is not None


def test_another_merchants_object_is_404_through_the_html(owner_client, other_merchant):
    theirs = notify(other_merchant, "test", title="theirs")
    response = owner_client.post(reverse("notifications:read", args=[theirs.pk]))
    assert response.status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_the_page_asks_an_anonymous_visitor_to_log_in(client):
    response = client.get("/notifications/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
