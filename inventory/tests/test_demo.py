from __future__ import annotations

import io

from django_celery_beat.models import PeriodicTask

from inventory import actions
from inventory.demo import DEMO_PRODUCTS, seed_inventory
from inventory.models import Product


def test_the_demo_seed_fills_the_catalog_from_the_sandbox_once(merchant, settings):
    settings.CJ_SANDBOX_ENABLED = True

    seed_inventory(merchant, io.StringIO())
    seed_inventory(merchant, io.StringIO())

    assert Product.objects.for_merchant(merchant).count() == DEMO_PRODUCTS
    assert PeriodicTask.objects.filter(name=actions.schedule_name(merchant)).exists()


def test_without_the_sandbox_the_demo_seed_adds_no_products(merchant, settings):
    settings.CJ_SANDBOX_ENABLED = False

    seed_inventory(merchant, io.StringIO())

    assert not Product.objects.for_merchant(merchant).exists()
