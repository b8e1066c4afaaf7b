"""Storefront event types, fulfillment stages and the product-list orderings of analytics."""

from django.db import models


class EventType(models.TextChoices):
    VIEW = "view", "Product view"
    CLICK = "click", "Click"
    ADD_TO_CART = "add_to_cart", "Add to cart"


# The ProductDay counter each storefront event type adds to.
EVENT_FIELDS: dict[str, str] = {
    EventType.VIEW: "views",
    EventType.CLICK: "clicks",
    EventType.ADD_TO_CART: "add_to_carts",
}


class Stage(models.TextChoices):
    """Fulfillment stages, each the time between two of the order's status timestamps."""

    TO_CONFIRMED = "to_confirmed", "Created → confirmed"
    TO_SHIPPED = "to_shipped", "Confirmed → shipped"
    TO_DELIVERED = "to_delivered", "Shipped → delivered"


# (stage, from timestamp, to timestamp)
STAGE_TIMESTAMPS: tuple[tuple[str, str, str], ...] = (
    (Stage.TO_CONFIRMED, "created_at", "confirmed_at"),
    (Stage.TO_SHIPPED, "confirmed_at", "shipped_at"),
    (Stage.TO_DELIVERED, "shipped_at", "delivered_at"),
)


class ProductOrdering(models.TextChoices):
    REVENUE = "revenue", "Revenue"
    UNITS = "units", "Units"
    MARGIN = "margin", "Margin"
