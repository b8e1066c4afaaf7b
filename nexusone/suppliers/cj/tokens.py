"""CJ's token lifecycle: log in with the API key, reuse the access token until near
expiry, refresh with the refresh token, fall back to a new login. One renewal at a
time per account across processes: the account row is locked while renewing, and
whoever waited re-reads the row and uses the fresh pair.

Merchants can share one CJ account (the platform's CJ_API_KEY, or one key entered
twice). CJ limits logins per CJ account, not per merchant, so the latest pair is also
kept, encrypted, in the cache under the CJ account: a merchant needing a token first
adopts a fresh pair another merchant obtained, instead of logging in again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from limits import RateLimitItemPerMinute
from limits.strategies import MovingWindowRateLimiter

from nexusone.core.fields import decrypt, encrypt
from nexusone.suppliers.base import SupplierAuthError, SupplierRateLimited
from nexusone.suppliers.models import SupplierAccount

from .mapping import cj_datetime, text
from .ratelimit import limiter_storage

REFRESH_MARGIN = timedelta(hours=12)
REFRESH_LIMIT = RateLimitItemPerMinute(5)


class _LazyLimiter:
    """The shared moving-window limiter, built on first use (settings are read then)."""

    def hit(self, item, *identifiers: str) -> bool:
        return MovingWindowRateLimiter(limiter_storage()).hit(item, *identifiers)


_REFRESH_LIMITER = _LazyLimiter()
PostAuth = Callable[[str, dict[str, Any]], Any]


def api_key_for(account: SupplierAccount) -> str:
    """The merchant's own key wins; CJ_API_KEY is the platform default."""
    return account.api_key or getattr(settings, "CJ_API_KEY", "")


def cj_account_key(account: SupplierAccount) -> str:
    """Identifies the CJ account behind a connection (merchants sharing a key share CJ's limits)."""
    return hashlib.sha256(api_key_for(account).encode()).hexdigest()[:24] if api_key_for(account) else str(account.pk)


_SHARED_FIELDS = ("accessToken", "accessTokenExpiryDate", "refreshToken", "refreshTokenExpiryDate", "openId")
_SHARED_SECONDS = 15 * 24 * 3600


def _shared_key(account: SupplierAccount) -> str:
    return f"supplier:cj:tokens:{cj_account_key(account)}"


class TokenManager:
    def __init__(
        self, account: SupplierAccount, post_auth: PostAuth, *, now: Callable[[], datetime] = timezone.now
    ) -> None:
        self.account = account
        self.post_auth = post_auth
        self.now = now

    def _fresh(self, account: SupplierAccount) -> bool:
        expires = account.access_token_expires_at
        return bool(account.access_token) and expires is not None and expires - REFRESH_MARGIN > self.now()

    def access_token(self) -> str:
        """A usable access token; renews (once, under the lock) when missing or near expiry."""
        if self._fresh(self.account):
            return self.account.access_token
        return self.renew(stale_token=self.account.access_token, forced=False)

    def renew(self, *, stale_token: str, forced: bool = True, adopt_shared: bool = True) -> str:
        """Get a new pair unless another worker already replaced `stale_token` while we waited.

        `adopt_shared=False` insists on CJ's own answer (connecting checks the key itself)."""
        if self.account._state.adding:  # an unsaved account: nothing to share or lock
            self._store(self.account, self._refresh(self.account) or self._login(self.account), persist=False)
            return self.account.access_token
        with transaction.atomic():
            locked = SupplierAccount.objects.select_for_update().get(pk=self.account.pk)
            someone_else_renewed = locked.access_token and locked.access_token != stale_token
            if self._fresh(locked) and (someone_else_renewed or not forced):
                self._adopt(locked)
                return locked.access_token
            shared = self._shared_pair(locked, stale_token) if adopt_shared else None
            data = shared or self._refresh(locked) or self._login(locked)
            self._store(locked, data)
            return locked.access_token

    def _shared_pair(self, account: SupplierAccount, stale_token: str) -> dict[str, Any] | None:
        """A fresh pair another connection to the same CJ account obtained, if any."""
        stored = cache.get(_shared_key(account))
        if not stored:
            return None
        try:
            data = json.loads(decrypt(stored))
        except ValueError:
            return None
        expires = cj_datetime(data.get("accessTokenExpiryDate"))
        if data.get("accessToken") in ("", stale_token) or expires is None or expires - REFRESH_MARGIN <= self.now():
            return None
        return data

    def _refresh(self, account: SupplierAccount) -> dict[str, Any] | None:
        expires = account.refresh_token_expires_at
        if not account.refresh_token or (expires is not None and expires <= self.now()):
            return None
        if not _REFRESH_LIMITER.hit(REFRESH_LIMIT, "cj-refresh", cj_account_key(account)):
            # CJ allows 5 refreshes a minute per account (CJ_API.md §2.2).
            raise SupplierRateLimited("CJ allows 5 token refreshes a minute; try again shortly.", retry_after=12)
        try:
            return self.post_auth("authentication/refreshAccessToken", {"refreshToken": account.refresh_token})
        except SupplierAuthError:  # 1600003: refresh token invalid → log in with the API key
            return None

    def _login(self, account: SupplierAccount) -> dict[str, Any]:
        api_key = api_key_for(account)
        if not api_key:
            raise SupplierAuthError("No CJ API key is configured for this account.")
        interval = int(getattr(settings, "CJ_TOKEN_LOGIN_INTERVAL", 300))
        marker = f"supplier:cj:login:{cj_account_key(account)}"
        if interval and cache.get(marker) is not None:
            # CJ allows one getAccessToken per account every 5 minutes (CJ_API.md §2.1).
            raise SupplierRateLimited("CJ allows one login per 5 minutes; try again shortly.", retry_after=interval)
        data = self.post_auth("authentication/getAccessToken", {"apiKey": api_key})
        if interval:
            cache.set(marker, 1, timeout=interval)
        return data

    def _share(self, account: SupplierAccount, data: dict[str, Any]) -> None:
        pair = {key: data.get(key) for key in _SHARED_FIELDS if data.get(key) is not None}
        cache.set(_shared_key(account), encrypt(json.dumps(pair, default=str)), timeout=_SHARED_SECONDS)

    def _store(self, account: SupplierAccount, data: dict[str, Any], *, persist: bool = True) -> None:
        if not isinstance(data, dict) or not data.get("accessToken"):
            raise SupplierAuthError("CJ answered the token call without an access token.")
        account.access_token = text(data["accessToken"])
        account.refresh_token = text(data.get("refreshToken")) or account.refresh_token
        account.access_token_expires_at = cj_datetime(data.get("accessTokenExpiryDate")) or (
            self.now() + timedelta(days=15)
        )
        account.refresh_token_expires_at = cj_datetime(data.get("refreshTokenExpiryDate"))
        if data.get("openId") is not None:
            account.open_id = text(data["openId"])  # a JSON number; the HMAC key is its decimal string
        account.connected_at = account.connected_at or self.now()
        account.last_error = ""
        if not persist:
            return
        self._share(account, data)
        account.save(
            update_fields=[
                "access_token",
                "refresh_token",
                "access_token_expires_at",
                "refresh_token_expires_at",
                "open_id",
                "connected_at",
                "last_error",
                "updated_at",
            ]
        )
        self._adopt(account)

    def _adopt(self, fresh: SupplierAccount) -> None:
        for name in (
            "access_token",
            "refresh_token",
            "access_token_expires_at",
            "refresh_token_expires_at",
            "open_id",
            "connected_at",
            "last_error",
        ):
            setattr(self.account, name, getattr(fresh, name))
