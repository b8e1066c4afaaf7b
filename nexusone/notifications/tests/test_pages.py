"""The notification center page: the merchant's notices, unread only, mark one or all read."""

from __future__ import annotations

import pytest
from django.urls import reverse

from nexusone.notifications.actions import mark_read
from nexusone.notifications.models import Notification
from tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_the_page_lists_the_merchants_notifications_and_not_another_merchants(owner_client, merchant, other_merchant):
    NotificationFactory(
        merchant=merchant, event="inventory.low_stock", title="Desk Lamp is low on stock", body="3 left at CJ."
    )
    NotificationFactory(merchant=other_merchant, event="test", title="Someone else's notice")
    response = owner_client.get("/notifications/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Desk Lamp is low on stock" in page
    assert "3 left at CJ." in page
    assert "Someone else&#x27;s notice" not in page
    assert "Someone else's notice" not in page


def test_unread_only_hides_what_was_read(owner_client, merchant):
    mark_read(NotificationFactory(merchant=merchant, event="test", title="Already seen"))
    NotificationFactory(merchant=merchant, event="test", title="Still new")
    page = owner_client.get("/notifications/?unread=true").content.decode()
    assert "Still new" in page
    assert "Already seen" not in page


def test_an_empty_center_says_so(owner_client, merchant):
    page = owner_client.get(reverse("notifications:index")).content.decode()
    assert "No notifications yet." in page


def test_mark_read_marks_it_and_returns_to_the_list(owner_client, merchant):
    note = NotificationFactory(merchant=merchant, event="test", title="mine")
    response = owner_client.post(reverse("notifications:read", args=[note.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications:index")
    assert Notification.objects.get(pk=note.pk).read_at is not None


def test_mark_all_read_marks_the_merchants_notifications_and_says_how_many(owner_client, merchant, other_merchant):
    NotificationFactory(merchant=merchant, event="test", title="one")
    NotificationFactory(merchant=merchant, event="test", title="two")
    theirs = NotificationFactory(merchant=other_merchant, event="test", title="theirs")
    response = owner_client.post(reverse("notifications:read_all"), follow=True)
    assert response.status_code == 200
    assert "2 notifications marked read." in response.content.decode()
    assert not Notification.objects.filter(merchant=merchant, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_a_viewer_may_mark_notifications_read_on_the_page(viewer_client, merchant):
    note = NotificationFactory(merchant=merchant, event="test", title="mine")
    assert viewer_client.post(reverse("notifications:read", args=[note.pk])).status_code == 302
    assert Notification.objects.get(pk=note.pk).read_at is not None


def test_another_merchants_object_is_404_through_the_html(owner_client, other_merchant):
    theirs = NotificationFactory(merchant=other_merchant, event="test", title="theirs")
    response = owner_client.post(reverse("notifications:read", args=[theirs.pk]))
    assert response.status_code == 404
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_the_page_asks_an_anonymous_visitor_to_log_in(client):
    response = client.get("/notifications/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_header_badge_counts_the_merchants_unread_notifications(owner_client, merchant, other_merchant):
    mark_read(NotificationFactory(merchant=merchant, title="seen"))
    NotificationFactory(merchant=merchant, title="one")
    NotificationFactory(merchant=merchant, title="two")
    NotificationFactory(merchant=other_merchant, title="theirs")

    badge = owner_client.get(reverse("notifications:badge")).content.decode()

    assert 'data-unread="2"' in badge
    assert "nx:notification from:body" in badge  # re-fetched on each new notification


def test_every_page_loads_the_badge_in_the_header(owner_client):
    page = owner_client.get(reverse("notifications:index")).content.decode()
    assert f'hx-get="{reverse("notifications:badge")}"' in page


def test_marking_all_read_tells_open_pages_to_refresh_the_badge(owner_client, merchant, settings):
    from nexusone.core.models import LiveEvent

    settings.REDIS_URL = ""
    NotificationFactory(merchant=merchant, title="one")

    owner_client.post(reverse("notifications:read_all"))

    assert LiveEvent.objects.filter(merchant=merchant, kind="notification").exists()
