"""Customer ratings: a signed, single-use link in the delivered email; no login."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from nexusone.core import tenancy
from orders.models import Order, OrderLine

from ..models import MerchantDay, ProductDay, Rating
from .periods import store_day
from .versions import bump_version

SALT = "analytics.rating"
MAX_AGE_SECONDS = 180 * 24 * 3600  # the link in a delivered email works for six months


class InvalidRatingLink(Exception):
    """The link was altered, has expired, or names no delivered order of the store."""


class AlreadyRated(Exception):
    """The order has its rating: each link works once."""


def rating_token(order: Order) -> str:
    return signing.dumps({"m": str(order.merchant_id), "o": str(order.pk)}, salt=SALT, compress=True)


def rating_url(order: Order, score: int | str | None = None) -> str:
    url = settings.SITE_URL.rstrip("/") + reverse("analytics:rate", args=[rating_token(order)])
    return f"{url}?score={score}" if score else url


def order_for_token(token: str) -> Order:
    """The delivered order a link names, looked up within the store the link was made for."""
    try:
        payload: dict[str, Any] = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
        tenancy.set_current_merchant_id(payload["m"])  # a signed link: the request acts for its store
        order = Order.objects.select_related("merchant").get(pk=payload["o"], merchant_id=payload["m"])
    except (signing.BadSignature, KeyError, TypeError, ValueError, Order.DoesNotExist) as exc:
        raise InvalidRatingLink() from exc
    if order.delivered_at is None:
        raise InvalidRatingLink()
    return order


def rate_order(token: str, score: int) -> Rating:
    """Record the customer's 1–5 rating once and add it to the store's and its products' days."""
    if score not in range(1, 6):
        raise ValueError("score must be 1 to 5")
    order = order_for_token(token)
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                merchant_id=order.merchant_id,
                order=order,
                score=score,
                day=store_day(order.merchant, timezone.now()),
            )
            add_rating_to_rollups(rating)
    except IntegrityError as exc:
        raise AlreadyRated() from exc
    return rating


def add_rating_to_rollups(rating: Rating) -> None:
    merchant_id, day = rating.merchant_id, rating.day
    bump_version(merchant_id)
    increments = {"rating_count": F("rating_count") + 1, "rating_sum": F("rating_sum") + rating.score}
    MerchantDay.objects.get_or_create(merchant_id=merchant_id, day=day)
    MerchantDay.objects.filter(merchant_id=merchant_id, day=day).update(**increments)
    product_ids = sorted(
        {
            str(p)
            for p in OrderLine.objects.filter(order_id=rating.order_id, product__isnull=False).values_list(
                "product_id", flat=True
            )
        }
    )
    ProductDay.objects.bulk_create(
        [ProductDay(merchant_id=merchant_id, product_id=p, day=day) for p in product_ids], ignore_conflicts=True
    )
    ProductDay.objects.filter(merchant_id=merchant_id, product_id__in=product_ids, day=day).update(**increments)
