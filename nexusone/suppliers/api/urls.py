"""API routes; each pattern accepts the path with or without a trailing slash."""

from django.urls import re_path

from . import views

urlpatterns = [
    re_path(r"^webhooks/cj/?$", views.cj_webhook, name="webhook-cj"),
]
