"""API routes; each pattern accepts the path with or without a trailing slash."""

from django.urls import re_path  # noqa: F401

urlpatterns: list = []
