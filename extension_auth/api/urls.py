"""API routes; each pattern accepts the path with or without a trailing slash."""

from django.urls import re_path

from . import views

urlpatterns = [
    re_path(r"^chrome-extension/generate-token/?$", views.GenerateTokenView.as_view(), name="extension_generate"),
    re_path(r"^chrome-extension/sessions/?$", views.SessionListView.as_view(), name="extension_sessions"),
    re_path(
        r"^chrome-extension/sessions/(?P<pk>[0-9a-f-]{36})/?$",
        views.SessionRevokeView.as_view(),
        name="extension_session_revoke",
    ),
    re_path(r"^chrome-extension/me/?$", views.MeView.as_view(), name="extension_me"),
]
