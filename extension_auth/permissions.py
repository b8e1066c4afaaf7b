"""Scopes for extension tokens; user-authenticated requests pass through to the usual role checks.

One rule, `scope_refusal`: an extension token may call a view only with the permission the view names.
The view sets `extension_scope = "import"` or a per-method dict (`{"GET": "products:read"}`); a view that
names none refuses extension tokens. A write also needs a writing role now. ExtensionTokenAuthentication
applies it to every API view (so a new view refuses extension tokens until it names a scope); ExtensionScope
applies it as a permission class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.permissions import SAFE_METHODS, BasePermission

from nexusone.accounts.choices import Role

from .choices import ExtensionPermission

if TYPE_CHECKING:
    from .models import ExtensionSession

# A view any valid session may call, whatever its permissions (the session's own view of itself).
ANY_PERMISSION = "any"
OUT_OF_REACH = "Extension tokens can only import products and read them; sign in to the dashboard for everything else."


def is_extension_request(request) -> bool:
    return bool(getattr(getattr(request, "auth", None), "is_extension_session", False))


def required_scope(view, method: str) -> str | None:
    required = getattr(view, "extension_scope", None)
    if isinstance(required, dict):
        required = required.get(method)
    return required or None


def scope_refusal(session: ExtensionSession, method: str, view) -> str:
    """Why this extension session may not make this call ("" when it may)."""
    required = required_scope(view, method)
    if required is None:
        return OUT_OF_REACH
    if method not in SAFE_METHODS and getattr(session, "member_role", None) not in (Role.OWNER, Role.MANAGER):
        return "Your role in this store is read-only now; ask the owner for a manager role, then pair again."
    if required != ANY_PERMISSION and not session.has_permission(required):
        label = ExtensionPermission(required).label
        return f"This extension session lacks the “{label}” permission; pair again with a token that has it."
    return ""


class ExtensionScope(BasePermission):
    """`scope_refusal` as a permission class, for views that list their permissions explicitly."""

    message = OUT_OF_REACH

    def has_permission(self, request, view) -> bool:
        if not is_extension_request(request):
            return True
        refusal = scope_refusal(request.auth, request.method, view)
        if refusal:
            self.message = refusal
        return not refusal


class IsExtensionSession(BasePermission):
    message = "Only an extension token can call this."

    def has_permission(self, request, view) -> bool:
        return is_extension_request(request)
