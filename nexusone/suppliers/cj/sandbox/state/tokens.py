"""The sandbox's access and refresh tokens: issued, checked, refreshed once, revoked."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from django.conf import settings

from .common import OPEN_ID, now_utc

CHINA = timezone(timedelta(hours=8))  # CJ writes token dates with +08:00
ACCESS_LIFETIME = timedelta(days=15)
REFRESH_LIFETIME = timedelta(days=180)


class TokensMixin:
    """SandboxState's tokens; `token_generation` and `revoked_tokens` are set by its reset()."""

    token_generation: int
    revoked_tokens: set[str]

    # Tokens are signed (kind, expiry, reset generation) rather than only remembered, so the
    # tokens a client stored stay valid when the demo's web process restarts, as CJ's would.
    # A reset() starts a new generation: every earlier token is refused from then on.
    def _token(self, kind: str, expiry: datetime) -> str:
        body = f"{kind}.{int(expiry.timestamp())}.{secrets.token_hex(8)}"
        return f"{body}.{self._token_signature(body)}"

    def _token_signature(self, body: str) -> str:
        key = f"{settings.SECRET_KEY}:cj-sandbox:{self.token_generation}".encode()
        return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()[:32]

    def _token_expiry(self, token: str, kind: str) -> datetime | None:
        """The expiry a token of `kind` carries, when its signature holds and it was not revoked."""
        body, _, signature = token.rpartition(".")
        parts = body.split(".")
        if token in self.revoked_tokens or len(parts) != 3 or parts[0] != kind or not parts[1].isdigit():
            return None
        if not hmac.compare_digest(signature, self._token_signature(body)):
            return None
        return datetime.fromtimestamp(int(parts[1]), tz=UTC)

    def issue_tokens(self, *, with_open_id: bool) -> dict[str, Any]:
        created = now_utc()
        access = self._token("a", created + ACCESS_LIFETIME)
        refresh = self._token("r", created + REFRESH_LIFETIME)
        data: dict[str, Any] = {
            "accessToken": access,
            "accessTokenExpiryDate": (created + ACCESS_LIFETIME).astimezone(CHINA).isoformat(timespec="seconds"),
            "refreshToken": refresh,
            "refreshTokenExpiryDate": (created + REFRESH_LIFETIME).astimezone(CHINA).isoformat(timespec="seconds"),
            "createDate": created.astimezone(CHINA).isoformat(timespec="seconds"),
        }
        if with_open_id:
            data = {"openId": OPEN_ID, **data}
        return data

    def token_valid(self, token: str) -> bool:
        expiry = self._token_expiry(token, "a")
        return expiry is not None and expiry > now_utc()

    def use_refresh_token(self, token: str) -> bool:
        """True once per valid refresh token (CJ's refresh is assumed to retire the old pair)."""
        expiry = self._token_expiry(token, "r")
        if expiry is None or expiry <= now_utc():
            return False
        self.revoked_tokens.add(token)
        return True

    def revoke_token(self, token: str) -> None:
        self.revoked_tokens.add(token)

    def revoke_all_tokens(self) -> None:
        self.token_generation += 1
        self.revoked_tokens.clear()
