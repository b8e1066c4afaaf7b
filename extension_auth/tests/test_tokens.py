"""Token lifecycle: issue, use, expire, revoke, tamper, and no mixing with API access tokens."""

from datetime import timedelta

import jwt
import pytest
import time_machine
from django.conf import settings
from django.utils import timezone
from rest_framework_simplejwt.tokens import RefreshToken

from extension_auth import actions, tokens
from extension_auth.models import ExtensionSession

from .conftest import extension_client

pytestmark = pytest.mark.django_db

ME = "/api/chrome-extension/me"


def test_generate_token_answers_201_with_the_token_and_the_session(api, premium):
    response = api.post(
        "/api/chrome-extension/generate-token",
        {"name": "Work laptop", "permissions": ["products:read"], "ttl_hours": 24},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"token", "session"}
    session = body["session"]
    assert session["name"] == "Work laptop"
    assert session["permissions"] == ["products:read"]
    assert session["active"] is True
    assert session["revoked_at"] is None
    stored = ExtensionSession.objects.get(pk=session["id"])
    assert timedelta(hours=23, minutes=59) < stored.expires_at - stored.created_at <= timedelta(hours=24)
    assert body["token"] not in str(ExtensionSession.objects.values().get(pk=session["id"]))


def test_defaults_are_both_permissions_and_one_week(api, premium):
    body = api.post("/api/chrome-extension/generate-token", {}, format="json").json()
    stored = ExtensionSession.objects.get(pk=body["session"]["id"])
    assert stored.permissions == ["import", "products:read"]
    assert stored.expires_at - stored.created_at == timedelta(hours=168)


@pytest.mark.parametrize(
    ("body", "attr"),
    [
        ({"ttl_hours": 0}, "ttl_hours"),
        ({"ttl_hours": 721}, "ttl_hours"),
        ({"ttl_hours": "soon"}, "ttl_hours"),
        ({"permissions": ["orders:write"]}, "permissions.0"),
        ({"permissions": []}, "permissions"),
        ({"scope": "all"}, "scope"),
    ],
)
def test_bad_token_requests_get_400_naming_the_field(api, premium, body, attr):
    response = api.post("/api/chrome-extension/generate-token", body, format="json")
    assert response.status_code == 400
    assert attr in [e["attr"] for e in response.json()["errors"]]
    assert not ExtensionSession.objects.exists()


def test_me_shows_the_merchant_plan_permissions_expiry_and_quota(ext, premium, session_and_token):
    response = ext.get(ME)
    assert response.status_code == 200
    body = response.json()
    assert body["merchant"] == {"id": str(premium.pk), "name": premium.name}
    assert body["plan"] == "premium"
    assert body["permissions"] == ["import", "products:read"]
    assert body["import_quota_left"] is None
    assert body["session"]["id"] == str(session_and_token[0].pk)
    assert body["expires_at"]


def test_a_token_stops_working_when_it_expires(premium, owner):
    _session, token = actions.create_session(owner, premium, ttl_hours=1)
    client = extension_client(token)
    with time_machine.travel(timezone.now() + timedelta(minutes=59), tick=False):
        assert client.get(ME).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=61), tick=False):
        response = client.get(ME)
    assert response.status_code == 401
    assert response.json()["errors"][0]["code"] == "token_expired"


def test_a_revoked_token_fails_on_the_very_next_request(ext, session_and_token, owner):
    assert ext.get(ME).status_code == 200
    actions.revoke_session(session_and_token[0], by=owner)
    response = ext.get(ME)
    assert response.status_code == 401
    assert "revoked" in response.json()["errors"][0]["detail"]


def test_a_tampered_token_is_refused(session_and_token):
    token = session_and_token[1]
    header, _payload, signature = token.split(".")
    claims = jwt.decode(token, options={"verify_signature": False})
    claims["perms"] = ["import", "products:read", "orders"]
    forged_payload = jwt.encode(claims, "a-guessed-key-of-thirty-two-bytes!!", algorithm="HS256").split(".")[1]
    assert extension_client(f"{header}.{forged_payload}.{signature}").get(ME).status_code == 401
    assert extension_client(token[:-2] + ("AA" if token[-2:] != "AA" else "BB")).get(ME).status_code == 401


def test_an_unsigned_token_is_refused(session_and_token):
    claims = jwt.decode(session_and_token[1], options={"verify_signature": False})
    unsigned = jwt.encode(claims, None, algorithm="none")
    assert extension_client(unsigned).get(ME).status_code == 401


def test_an_api_access_token_is_not_accepted_as_an_extension_token(owner, premium, session_and_token):
    access = str(RefreshToken.for_user(owner).access_token)
    assert extension_client(access).get(ME).status_code == 401


def test_an_access_token_relabelled_as_extension_fails_its_signature(owner, session_and_token):
    claims = jwt.decode(session_and_token[1], options={"verify_signature": False})
    relabelled = jwt.encode(claims, settings.SIMPLE_JWT["SIGNING_KEY"], algorithm="HS256")
    assert extension_client(relabelled).get(ME).status_code == 401


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/api/merchant", 403),
        ("patch", "/api/merchant", 403),
        ("post", "/api/chrome-extension/generate-token", 403),
        ("get", "/api/chrome-extension/sessions", 403),
        ("get", "/api/notifications", 403),
        ("post", "/api/auth/token/refresh", 400),
    ],
)
def test_an_extension_token_is_not_accepted_as_an_api_access_token(ext, method, path, status):
    response = getattr(ext, method)(path, {}, format="json")
    assert response.status_code == status


def test_the_token_signing_key_is_not_the_api_signing_key():
    assert tokens.signing_key() != settings.SIMPLE_JWT["SIGNING_KEY"]


def test_last_use_is_recorded_at_most_once_a_minute(ext, session_and_token, django_assert_num_queries):
    session = session_and_token[0]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ext.get(ME)
    session.refresh_from_db()
    assert session.last_used_at == start
    assert session.last_user_agent == "Chrome/131 NexusOne-Extension"
    assert session.last_ip == "127.0.0.1"
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        ext.get(ME)
    session.refresh_from_db()
    assert session.last_used_at == start
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        ext.get(ME)
    session.refresh_from_db()
    assert session.last_used_at == start + timedelta(seconds=61)


def test_a_user_removed_from_the_store_loses_the_extension(ext, owner, premium):
    from nexusone.accounts.models import Membership

    Membership.objects.filter(user=owner, merchant=premium).delete()
    assert ext.get(ME).status_code == 401
