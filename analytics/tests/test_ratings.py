"""Customer ratings: the link in the delivered email, used once, never across stores; the summary's average."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.core import mail, signing
from django.utils import timezone

from analytics import actions
from analytics.actions.ratings import SALT
from analytics.models import ProductDay, Rating
from orders import actions as order_actions

from .conftest import Item, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivered(merchant, box):
    return make_order(
        merchant,
        [Item(box, 1, "10.00", "4.00")],
        confirmed_at=timezone.now() - timedelta(days=3),
        shipped_after=timedelta(days=1),
        delivered_after=timedelta(days=1),
    )


def _path(url: str) -> str:
    parts = urlparse(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def test_the_delivered_email_carries_rating_links_that_record_the_rating(client, merchant, delivered, box):
    order_actions.send_customer_email(delivered, "delivered")
    html = mail.outbox[0].alternatives[0][0]
    links = re.findall(r'href="([^"]+/rate/[^"]+)"', html)

    page = client.get(_path(links[3]))
    response = client.post(_path(links[3]).split("?")[0], {"score": "4"})

    assert len(links) == 5
    assert "/rate/" in mail.outbox[0].body
    assert page.status_code == 200
    assert 'value="4" checked' in page.content.decode()
    assert response.status_code == 200
    assert Rating.objects.get(order=delivered).score == 4
    summary = actions.summary(merchant, actions.Period.ending(actions.store_today(merchant), 7))
    assert summary["satisfaction"] == {"average": 4.0, "count": 1}
    assert ProductDay.objects.get(product=box, rating_count=1).rating_sum == 4


def test_opening_the_link_records_nothing(client, delivered):
    client.get(f"/rate/{actions.rating_token(delivered)}/?score=5")

    assert not Rating.objects.exists()


def test_a_rating_link_works_once(client, delivered):
    url = f"/rate/{actions.rating_token(delivered)}/"

    first = client.post(url, {"score": "5"})
    second = client.post(url, {"score": "1"})

    assert first.status_code == 200
    assert second.status_code == 409
    assert "rated this order already" in second.content.decode()
    assert list(Rating.objects.values_list("score", flat=True)) == [5]


def test_a_rating_link_never_reaches_another_stores_order(client, other_merchant, delivered):
    # A link made out for another store that names this store's order: the lookup stays within that store.
    crossed = signing.dumps({"m": str(other_merchant.pk), "o": str(delivered.pk)}, salt=SALT, compress=True)

    response = client.post(f"/rate/{crossed}/", {"score": "5"})

    assert response.status_code == 404
    assert not Rating.objects.exists()


def test_an_altered_link_is_refused(client, delivered):
    token = actions.rating_token(delivered)
    altered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")

    assert client.post(f"/rate/{altered}/", {"score": "5"}).status_code == 404
    assert not Rating.objects.exists()


def test_an_order_not_yet_delivered_cannot_be_rated(client, merchant, box):
    order = make_order(merchant, [Item(box, 1, "10.00", "4.00")], confirmed_at=timezone.now())

    assert client.post(f"/rate/{actions.rating_token(order)}/", {"score": "5"}).status_code == 404


def test_a_score_outside_one_to_five_is_refused_and_the_link_still_works(client, delivered):
    url = f"/rate/{actions.rating_token(delivered)}/"

    refused = client.post(url, {"score": "9"})
    accepted = client.post(url, {"score": "3"})

    assert refused.status_code == 400
    assert accepted.status_code == 200
    assert Rating.objects.get().score == 3


def test_a_rebuild_keeps_the_ratings(client, merchant, delivered):
    client.post(f"/rate/{actions.rating_token(delivered)}/", {"score": "2"})

    actions.rebuild(merchant)

    summary = actions.summary(merchant, actions.Period.ending(actions.store_today(merchant), 7))
    assert summary["satisfaction"] == {"average": 2.0, "count": 1}
