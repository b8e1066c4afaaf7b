"""`{% rating_url order 5 %}`: the signed, single-use rating link of a delivered order (for its email)."""

from django import template

from ..actions.ratings import rating_url as build_rating_url

register = template.Library()


@register.simple_tag
def rating_url(order, score: int | str | None = None) -> str:
    return build_rating_url(order, score)
