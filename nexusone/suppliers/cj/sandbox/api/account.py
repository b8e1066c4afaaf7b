"""CJ's authentication (`authentication/*`), the account's settings (`setting/get`) and shops."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from ..state import OPEN_ID, STATE
from .envelope import CJFailure


def get_access_token(request: HttpRequest, body: dict[str, Any]) -> Any:
    api_key = body.get("apiKey")
    if not api_key:
        raise CJFailure(16900403, "apiKey can not be empty")
    if api_key != settings.CJ_SANDBOX_API_KEY:
        raise CJFailure(1600005, "APIkey is wrong, please check and try again")
    with STATE.lock:
        now = time.monotonic()
        last = STATE.last_token_call
        if STATE.token_call_interval and last is not None and now - last < STATE.token_call_interval:
            raise CJFailure(1600200, "Too much request, getAccessToken can be called once every 5 minutes")
        STATE.last_token_call = now
        return STATE.issue_tokens(with_open_id=True)


def refresh_access_token(request: HttpRequest, body: dict[str, Any]) -> Any:
    token = body.get("refreshToken")
    if not token:
        raise CJFailure(16900403, "refreshToken can not be empty")
    with STATE.lock:
        if not STATE.use_refresh_token(token):
            raise CJFailure(1600003, "Refresh token is invalid")
        return STATE.issue_tokens(with_open_id=False)


def logout(request: HttpRequest, body: dict[str, Any]) -> Any:
    with STATE.lock:
        STATE.revoke_token(request.headers.get("CJ-Access-Token", ""))
    return True


# --- settings, shops ---------------------------------------------------------------------------
def setting_get(request: HttpRequest, params: dict[str, Any]) -> Any:
    with STATE.lock:
        callbacks = {
            topic: {"type": cfg["type"], "callbackUrls": cfg["callbackUrls"]} for topic, cfg in STATE.webhooks.items()
        }
        return {
            "openId": OPEN_ID,
            "openName": "NexusOne Sandbox",
            "openEmail": "sandbox@nexusone.local",
            "setting": {
                "qpsLimit": int(STATE.qps) if STATE.qps else 1,
                "quotaLimits": [{"quotaUrl": "/api2.0/v1/product/listV2", "quotaLimit": 0, "quotaType": 4}],
            },
            "callback": callbacks,
            "root": "GENERAL",
            "isSandbox": 1,
        }


def get_shops(request: HttpRequest, params: dict[str, Any]) -> Any:
    return [{"shopId": "1", "shopName": "NexusOne Sandbox Store", "platform": "Api"}]
