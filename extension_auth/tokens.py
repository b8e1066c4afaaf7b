"""Extension tokens: JWTs of their own type, signed with their own key.

An extension token carries `token_type: "extension"`, its session id (`sid`), merchant
(`mid`), permissions (`perms`) and expiry. It is signed with a key derived from
SECRET_KEY for this purpose only, so neither a simplejwt access token nor an
extension token verifies as the other kind.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

import jwt
from django.conf import settings

if TYPE_CHECKING:
    from .models import ExtensionSession

TOKEN_TYPE = "extension"
ALGORITHM = "HS256"
ISSUER = "nexusone"
AUDIENCE = "nexusone-extension"


def signing_key() -> str:
    return hashlib.sha256(f"nexusone.extension_auth.token:{settings.SECRET_KEY}".encode()).hexdigest()


def encode_token(session: ExtensionSession) -> str:
    claims = {
        "token_type": TOKEN_TYPE,
        "jti": session.token_id,
        "sid": str(session.pk),
        "mid": str(session.merchant_id),
        "perms": list(session.permissions),
        "iat": int(session.created_at.timestamp()),
        "exp": int(session.expires_at.timestamp()),
        "iss": ISSUER,
        "aud": AUDIENCE,
    }
    return jwt.encode(claims, signing_key(), algorithm=ALGORITHM)


def claims_type(raw: str) -> str | None:
    """The unverified `token_type` of a JWT, only to route it to the right authenticator."""
    try:
        return jwt.decode(raw, options={"verify_signature": False}).get("token_type")
    except jwt.InvalidTokenError:
        return None


def decode_token(raw: str) -> dict[str, Any]:
    """Verified claims of an extension token; raises jwt.InvalidTokenError (ExpiredSignatureError when expired)."""
    claims = jwt.decode(
        raw,
        signing_key(),
        algorithms=[ALGORITHM],
        audience=AUDIENCE,
        issuer=ISSUER,
        options={"require": ["exp", "iat", "jti", "sid", "mid", "token_type"]},
    )
    if claims.get("token_type") != TOKEN_TYPE:
        raise jwt.InvalidTokenError("Not an extension token.")
    return claims
