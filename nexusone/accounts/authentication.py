"""API bearer tokens: simplejwt's checks, with the user's memberships read in the same query.

Every tenant API request needs the user and the membership it acts through; reading both at once saves
a query on each request. A user without memberships falls back to simplejwt's own lookup.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework_simplejwt import authentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.tokens import Token
from rest_framework_simplejwt.utils import get_md5_hash_password

from nexusone.core.tenancy import attach_memberships, user_context

from .models import Membership, User


class MembershipJWTAuthentication(authentication.JWTAuthentication):
    def get_user(self, validated_token: Token) -> User:
        user_id = validated_token.get(api_settings.USER_ID_CLAIM)
        if user_id is None:
            return super().get_user(validated_token)  # raises InvalidToken with simplejwt's message
        with user_context(user_id):  # row-level security: one's own memberships
            memberships = list(
                Membership.objects.filter(**{f"user__{api_settings.USER_ID_FIELD}": user_id})
                .select_related("user", "merchant")
                .order_by("created_at")
            )
        if not memberships:
            return super().get_user(validated_token)
        user = memberships[0].user
        self._check(user, validated_token)
        return attach_memberships(user, memberships)

    @staticmethod
    def _check(user: User, validated_token: Token) -> None:
        """The checks simplejwt makes after its own lookup, with its errors."""
        if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
            raise AuthenticationFailed(_("User is inactive"), code="user_inactive")
        if api_settings.CHECK_REVOKE_TOKEN and validated_token.get(
            api_settings.REVOKE_TOKEN_CLAIM
        ) != get_md5_hash_password(user.password):
            raise AuthenticationFailed(_("The user's password has been changed."), code="password_changed")
