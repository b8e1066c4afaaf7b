from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.db import models
from django.db.models.functions import Cast

from conftest import jwt_client
from nexusone.accounts.erasure import ERASED_EMAIL, MARKER
from nexusone.core.models import AuditEvent
from orders.models import CommissionEntry, Order

from .store_data import CUSTOMER, make_order

pytestmark = pytest.mark.django_db


def rows_mentioning(needle: str) -> list[str]:
    """Every row of every table whose text or JSON columns contain `needle` (case-insensitive)."""
    hits = []
    for model in apps.get_models():
        text = [f.name for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)]
        json_columns = [f.name for f in model._meta.concrete_fields if isinstance(f, models.JSONField)]
        casts = {f"_{name}_text": Cast(name, models.TextField()) for name in json_columns}
        condition = models.Q()
        for column in [*text, *casts]:
            condition |= models.Q(**{f"{column}__icontains": needle})
        if text or casts:
            hits += [
                f"{model._meta.label}:{pk}"
                for pk in model._default_manager.annotate(**casts).filter(condition).values_list("pk", flat=True)
            ]
    return hits


@pytest.fixture
def orders(merchant):
    first = make_order(merchant, "#1001")
    Order.objects.filter(pk=first.pk).update(cancellation_note=f"Customer {CUSTOMER['email']} asked to wait")
    second = make_order(merchant, "#1002", email=CUSTOMER["email"].upper())
    order = Order.objects.get(pk=second.pk)
    order.customer_phone = "+1 555 0100"
    order.save()  # a tracked change: the change log holds the old and new values
    other = make_order(
        merchant, "#2001", email="grace@example.org", name="Grace Hopper", phone="+1 202 555 0199", line1="1 Navy Yard"
    )
    return [first, second, other]


def test_erasure_leaves_no_trace_of_the_customer_in_any_text_or_json_column(api, merchant, orders):
    assert rows_mentioning(CUSTOMER["email"])  # the fixture spreads it around
    response = api.post("/api/customers/erase", {"email": CUSTOMER["email"]}, format="json")
    assert response.status_code == 200
    assert response.json()["orders"] == 2
    assert "CJ" in response.json()["note"]
    for value in (CUSTOMER["email"], CUSTOMER["name"], CUSTOMER["phone"], CUSTOMER["line1"], "+1 555 0100"):
        assert rows_mentioning(value) == [], value
    assert LogEntry.objects.filter(object_pk=str(orders[1].pk)).exists()  # the change log stays, scrubbed


def test_erasure_keeps_amounts_dates_lines_and_the_ledger(api, merchant, orders):
    before = list(
        Order.objects.filter(merchant=merchant)
        .order_by("reference")
        .values("total_amount", "subtotal", "created_at", "status")
    )
    ledger = list(CommissionEntry.objects.order_by("pk").values_list("amount", "client_share", "platform_share"))
    api.post("/api/customers/erase", {"email": CUSTOMER["email"]}, format="json")
    after = list(
        Order.objects.filter(merchant=merchant)
        .order_by("reference")
        .values("total_amount", "subtotal", "created_at", "status")
    )
    assert after == before
    assert (
        list(CommissionEntry.objects.order_by("pk").values_list("amount", "client_share", "platform_share")) == ledger
    )
    erased = Order.objects.get(reference="#1001")
    assert (erased.customer_name, erased.customer_email, erased.customer_phone) == (MARKER, ERASED_EMAIL, MARKER)
    assert erased.shipping_address["line1"] == MARKER
    assert erased.shipping_address["country_code"] == "GB"
    assert erased.lines.get().line_total == Decimal("40.00")


def test_erasure_leaves_other_customers_alone(api, orders):
    api.post("/api/customers/erase", {"email": CUSTOMER["email"]}, format="json")
    other = Order.objects.get(reference="#2001")
    assert (other.customer_name, other.customer_email) == ("Grace Hopper", "grace@example.org")
    assert rows_mentioning("grace@example.org")


def test_erasure_touches_only_the_callers_store(api, merchant, other_merchant):
    theirs = make_order(other_merchant, "#1001")
    api.post("/api/customers/erase", {"email": CUSTOMER["email"]}, format="json")
    assert Order.objects.get(pk=theirs.pk).customer_email == CUSTOMER["email"]


def test_erasure_is_audited_without_the_address_it_erased(api, merchant, owner, orders):
    api.post("/api/customers/erase", {"email": CUSTOMER["email"]}, format="json", REMOTE_ADDR="198.51.100.7")
    event = AuditEvent.objects.get(action="customer.erased")
    assert (event.actor, event.ip_address, event.data["orders"]) == (owner, "198.51.100.7", 2)
    assert CUSTOMER["email"] not in str(event.data)


def test_a_manager_may_erase_but_a_viewer_may_not(manager, viewer, orders):
    assert (
        jwt_client(viewer).post("/api/customers/erase", {"email": CUSTOMER["email"]}, format="json").status_code == 403
    )
    assert Order.objects.filter(customer_email=CUSTOMER["email"]).exists()
    assert (
        jwt_client(manager).post("/api/customers/erase", {"email": CUSTOMER["email"]}, format="json").status_code == 200
    )


@pytest.mark.parametrize("body", [{"email": "not-an-email"}, {}, {"email": CUSTOMER["email"], "cj": True}])
def test_a_bad_erasure_request_is_400_and_erases_nothing(api, orders, body):
    response = api.post("/api/customers/erase", body, format="json")
    assert response.status_code == 400
    assert response.json()["type"] == "validation_error"
    assert Order.objects.filter(customer_email=CUSTOMER["email"]).exists()


def test_a_manager_erases_a_customer_from_settings(client, manager, orders):
    client.force_login(manager)
    response = client.post("/accounts/settings/erase-customer/", {"email": CUSTOMER["email"]}, follow=True)
    assert "from 2 order(s)" in response.content.decode()
    assert not Order.objects.filter(customer_email__iexact=CUSTOMER["email"]).exists()
