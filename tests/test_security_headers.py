"""Headers and cookies on every page and API answer (issue 15, item 3)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from conftest import PASSWORD
from tests.page_walk import build_world, page_urls

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


def assert_hardened(response, where: str) -> None:
    directives = csp_directives(response)
    for directive in ("script-src", "style-src", "default-src"):
        assert "'unsafe-inline'" not in directives.get(directive, []), f"{where}: {directive} allows inline"
        assert "'unsafe-eval'" not in directives.get(directive, []), f"{where}: {directive} allows eval"
    assert directives["script-src"] == ["'self'"], where
    assert directives["frame-ancestors"] == ["'none'"], where
    assert response["X-Frame-Options"] == "DENY", where
    assert response["X-Content-Type-Options"] == "nosniff", where
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", where


def test_every_page_sends_a_strict_content_security_policy_and_frame_denial(
    owner_client, merchant, owner, fake_supplier
):
    world = build_world(merchant, owner)

    for name, path in page_urls(world).items():
        assert_hardened(owner_client.get(path, follow=True), name)


def test_api_answers_send_the_same_headers(api):
    assert_hardened(api.get("/api/dropshipping/products"), "product list")
    assert_hardened(api.get("/api/nothing-here"), "API 404")


def test_https_answers_carry_hsts_for_a_year_with_subdomains(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True

    response = client.get(reverse("accounts:login"), secure=True)

    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_the_session_and_csrf_cookies_are_http_only_and_same_site_lax(client, owner, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    client.get(reverse("accounts:login"), secure=True)

    response = client.post(reverse("accounts:login"), {"username": owner.email, "password": PASSWORD}, secure=True)

    session, csrf = response.cookies["sessionid"], client.cookies["csrftoken"]
    for cookie in (session, csrf):
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"
        assert cookie["secure"] is True


def production_settings(**env: str) -> dict:
    """The security settings as a production process computes them from its environment (no test defaults)."""
    names = [
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SAMESITE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    ]
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{name: getattr(settings, name) for name in {names!r}}}))"
    )
    keep = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG"}}
    base = {
        "DJANGO_SETTINGS_MODULE": "nexusone.settings",
        "SECRET_KEY": "a-production-secret-key-for-this-test-only",
        "FIELD_ENCRYPTION_KEYS": "n-Xw0yGlAq9nAUrmCr-1ZVMk3KGBjzjSv9Rbjm8YdKQ=",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], env={**keep, **base, **env}, cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_outside_debug_cookies_are_secure_and_https_is_enforced_by_default():
    computed = production_settings(DEBUG="false")

    assert computed["SESSION_COOKIE_SECURE"]
    assert computed["CSRF_COOKIE_SECURE"]
    assert computed["SESSION_COOKIE_HTTPONLY"]
    assert computed["CSRF_COOKIE_HTTPONLY"]
    assert computed["SESSION_COOKIE_SAMESITE"] == computed["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert computed["SECURE_SSL_REDIRECT"] is True
    assert computed["SECURE_HSTS_SECONDS"] >= 31536000
    assert computed["SECURE_HSTS_INCLUDE_SUBDOMAINS"]


def test_debug_lets_the_demo_run_on_plain_http():
    computed = production_settings(DEBUG="true")

    assert not computed["SESSION_COOKIE_SECURE"]
    assert not computed["SECURE_SSL_REDIRECT"]
    assert computed["SECURE_HSTS_SECONDS"] == 0
