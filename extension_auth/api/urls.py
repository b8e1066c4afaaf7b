"""API routes; each pattern accepts the path with or without a trailing slash."""

from django.urls import re_path

from nexusone.core.routers import UUID_PK

from . import views

urlpatterns = [
    re_path(r"^chrome-extension/generate-token/?$", views.GenerateTokenView.as_view(), name="extension_generate"),
    re_path(r"^chrome-extension/sessions/?$", views.SessionListView.as_view(), name="extension_sessions"),
    re_path(
        rf"^chrome-extension/sessions/{UUID_PK}/?$",
        views.SessionRevokeView.as_view(),
        name="extension_session_revoke",
    ),
    re_path(r"^chrome-extension/me/?$", views.MeView.as_view(), name="extension_me"),
]
