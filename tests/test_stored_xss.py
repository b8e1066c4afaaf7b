"""Stored XSS: hostile store, product, category and customer names render escaped on every page
(issue 15, Tests). Product names come from CJ: treat them as hostile."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from tests.page_walk import build_world, page_urls

pytestmark = pytest.mark.django_db

PAYLOADS = {
    "store": '<script>alert("store")</script>',
    "product": '"><img src=x onerror=alert("product")>',
    "category": "</option><svg onload=alert('category')>",
    "customer": "<iframe srcdoc='<script>alert(1)</script>'>",
}


@pytest.fixture
def hostile_world(merchant, owner, fake_supplier):
    from inventory.models import Category, Product

    world = build_world(merchant, owner)
    merchant.name = PAYLOADS["store"]
    merchant.save(update_fields=["name"])
    Product.objects.filter(merchant=merchant).update(name=PAYLOADS["product"])
    Category.objects.filter(merchant=merchant).update(name=PAYLOADS["category"])
    world.order.customer_name = PAYLOADS["customer"]
    world.order.save(update_fields=["customer_name"])
    return world


def test_hostile_names_render_escaped_on_every_page(owner_client, hostile_world):
    shown: set[str] = set()

    for name, path in page_urls(hostile_world).items():
        body = owner_client.get(path, follow=True).content.decode()
        for kind, payload in PAYLOADS.items():
            assert payload not in body, f"{name} ({path}) renders the hostile {kind} name unescaped"
            if escape(payload) in body:
                shown.add(kind)

    unseen = set(PAYLOADS) - shown
    assert not unseen, f"no page showed these names, so the walk proved nothing about them: {unseen}"
