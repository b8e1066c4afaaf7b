"""API routes; each pattern accepts the path with or without a trailing slash."""

from django.urls import re_path

from . import views

urlpatterns = [
    re_path(r"^products/import/?$", views.ImportCreateView.as_view(), name="import_create"),
    re_path(r"^products/import/(?P<pk>[0-9a-f-]{36})/?$", views.ImportJobDetailView.as_view(), name="import_detail"),
    re_path(r"^products/imports/?$", views.ImportJobListView.as_view(), name="import_list"),
]
