"""Scopes for extension tokens; user-authenticated requests pass through to the usual role checks."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from nexusone.accounts.choices import Role


def is_extension_request(request) -> bool:
    return bool(getattr(getattr(request, "auth", None), "is_extension_session", False))


class ExtensionScope(BasePermission):
    """An extension token may call a view only with the permission the view names.

    The view sets `extension_scope = "import"` or a per-method dict (`{"GET": "products:read"}`);
    a view that names none refuses extension tokens. A write also needs a writing role now.
    """

    message = "This extension token does not have the permission for this call."

    def has_permission(self, request, view) -> bool:
        if not is_extension_request(request):
            return True
        required = getattr(view, "extension_scope", None)
        if isinstance(required, dict):
            required = required.get(request.method)
        if not required:
            return False
        session = request.auth
        if request.method not in SAFE_METHODS and getattr(session, "member_role", None) not in (
            Role.OWNER,
            Role.MANAGER,
        ):
            return False
        return session.has_permission(required)


class IsExtensionSession(BasePermission):
    message = "Only an extension token can call this."

    def has_permission(self, request, view) -> bool:
        return is_extension_request(request)
