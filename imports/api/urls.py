"""API routes; each pattern accepts the path with or without a trailing slash."""

from django.urls import re_path

from nexusone.core.routers import UUID_PK

from . import views

urlpatterns = [
    re_path(r"^products/import/?$", views.ImportCreateView.as_view(), name="import_create"),
    re_path(rf"^products/import/{UUID_PK}/?$", views.ImportJobDetailView.as_view(), name="import_detail"),
    re_path(r"^products/imports/?$", views.ImportJobListView.as_view(), name="import_list"),
]
