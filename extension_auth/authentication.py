"""DRF authentication for extension tokens, first in the API's authenticators.

A valid extension token is let through only to views that name an `extension_scope` it holds; everywhere
else it gets 403 `permission_denied`. 401 means the token itself is bad: expired, revoked or malformed.
"""

from __future__ import annotations

import jwt
from rest_framework.authentication import BaseAuthentication, SessionAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied

from nexusone.accounts.authentication import MembershipJWTAuthentication
from nexusone.core.audit import client_ip
from nexusone.core.exceptions import PlanRequired
from nexusone.core.tenancy import set_current_merchant_id

from . import actions, tokens
from .permissions import scope_refusal


class ExtensionTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <extension token>`: checks signature, type, expiry and the session on every request.

    A bearer token of another type is left to the next authenticator (None), so list this class first.
    """

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if len(parts) != 2 or parts[0].lower() != b"bearer":
            return None
        raw = parts[1].decode("latin-1")
        if tokens.claims_type(raw) != tokens.TOKEN_TYPE:
            return None
        try:
            claims = tokens.decode_token(raw)
        except jwt.ExpiredSignatureError:
            raise AuthenticationFailed(
                "The extension token has expired; pair the extension again.", "token_expired"
            ) from None
        except jwt.InvalidTokenError:
            raise AuthenticationFailed("The extension token is not valid.", "token_not_valid") from None
        set_current_merchant_id(claims.get("mid"))  # signed: the request acts for this merchant (RLS)
        session = actions.find_session(claims)
        problem = actions.session_problem(session)
        if problem:
            raise AuthenticationFailed(problem, "session_inactive")
        if not actions.plan_allows_extension(session.merchant):
            raise PlanRequired("The Chrome extension needs the Premium plan; upgrade in Settings → Plan.")
        view = (getattr(request, "parser_context", None) or {}).get("view")
        refusal = scope_refusal(session, request.method, view)
        if refusal:
            raise PermissionDenied(refusal)
        actions.touch_session(session, ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", ""))
        return session.user, session

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


# The API's authenticators (settings.REST_FRAMEWORK); extension first: it passes other bearer tokens on.
WITH_EXTENSION_TOKENS = [ExtensionTokenAuthentication, MembershipJWTAuthentication, SessionAuthentication]
EXTENSION_TOKENS_ONLY = [ExtensionTokenAuthentication]
