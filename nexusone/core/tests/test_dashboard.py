import pytest
from django.urls import reverse

from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_dashboard_full_page_has_the_layout_and_counts(owner_client, merchant):
    ProductFactory.create_batch(2, merchant=merchant)
    response = owner_client.get(reverse("core:dashboard"))
    html = response.content.decode()
    assert "<nav" in html
    assert 'id="counts"' in html
    assert response["Vary"] == "HX-Request" or "HX-Request" in response["Vary"]
    assert response.context["counts"][0]["value"] == 2


def test_dashboard_htmx_request_gets_only_the_counts_partial(owner_client, merchant):
    response = owner_client.get(reverse("core:dashboard"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'id="counts"' in html
    assert "<nav" not in html
    assert "<html" not in html


def test_dashboard_counts_only_the_merchants_products(owner_client, merchant, other_merchant):
    ProductFactory.create_batch(3, merchant=other_merchant)
    response = owner_client.get(reverse("core:dashboard"))
    assert response.context["counts"][0]["value"] == 0


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_pages_send_a_csp_without_inline_scripts(owner_client):
    policy = owner_client.get(reverse("core:dashboard"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_api_docs_and_schema_render(owner_client):
    schema = owner_client.get("/api/schema", headers={"Accept": "application/json"})
    assert schema.status_code == 200
    assert owner_client.get("/api/docs").status_code == 200
