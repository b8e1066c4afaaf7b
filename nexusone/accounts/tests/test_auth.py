from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from nexusone.accounts.models import Membership, Merchant, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_jwt_token_flow_gives_access_to_the_api(owner):
    client = APIClient()
    response = client.post("/api/auth/token", {"email": owner.email.upper(), "password": "pass-12345"})
    assert response.status_code == 200, response.content
    access, refresh = response.json()["access"], response.json()["refresh"]
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    assert client.get("/api/merchant").json()["name"] == "Acme Goods"
    rotated = APIClient().post("/api/auth/token/refresh/", {"refresh": refresh})
    assert rotated.status_code == 200
    assert rotated.json()["refresh"] != refresh
    reused = APIClient().post("/api/auth/token/refresh", {"refresh": refresh})
    assert reused.status_code == 401  # rotated refresh tokens are blacklisted


def test_wrong_password_gets_401_in_the_standard_error_shape(owner):
    response = APIClient().post("/api/auth/token", {"email": owner.email, "password": "nope"})
    assert response.status_code == 401
    body = response.json()
    assert body["type"] == "client_error"
    assert body["errors"][0]["code"] == "no_active_account"


def test_bad_token_gets_401_in_the_standard_error_shape(owner):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    response = client.get("/api/merchant")
    assert response.status_code == 401
    assert response.json()["type"] == "client_error"
    assert response.json()["errors"][0]["code"] == "token_not_valid"


def test_expired_access_token_gets_401(owner):
    token = APIClient().post("/api/auth/token", {"email": owner.email, "password": "pass-12345"}).json()["access"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = client.get("/api/merchant")
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "token_not_valid"


def test_missing_credentials_get_401(db):
    response = APIClient().get("/api/merchant")
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "not_authenticated"


def test_token_request_with_missing_field_names_it(db):
    response = APIClient().post("/api/auth/token", {"email": "a@example.com"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["attr"] == "password"


def test_signup_creates_a_free_merchant_with_an_owner(client):
    response = client.post(
        reverse("accounts:signup"),
        {"store_name": "Fresh Shop", "email": "New@Example.com", "password": "a-good-long-pass-9"},
    )
    assert response.status_code == 302
    user = User.objects.get(email="new@example.com")
    membership = Membership.objects.get(user=user)
    assert membership.role == "owner"
    assert membership.merchant.plan == "free"
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_signup_with_taken_email_shows_the_error_beside_the_field(client):
    UserFactory(email="taken@example.com")
    response = client.post(
        reverse("accounts:signup"), {"store_name": "X", "email": "taken@example.com", "password": "a-good-long-pass-9"}
    )
    assert response.status_code == 200
    assert "already exists" in str(response.context["form"].errors["email"])
    assert Merchant.objects.filter(name="X").count() == 0


def test_login_page_logs_in_with_email(client, owner):
    response = client.post(reverse("accounts:login"), {"username": owner.email, "password": "pass-12345"})
    assert response.status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 200


def test_password_reset_sends_an_email(client, owner, mailoutbox):
    client.post(reverse("accounts:password_reset"), {"email": owner.email})
    assert len(mailoutbox) == 1
    assert "/accounts/reset/" in mailoutbox[0].body
