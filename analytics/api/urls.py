"""API routes; each pattern accepts the path with or without a trailing slash."""

from django.urls import re_path

from . import views

urlpatterns = [
    re_path(r"^analytics/summary/?$", views.SummaryView.as_view(), name="analytics-summary"),
    re_path(r"^analytics/products/?$", views.ProductsView.as_view(), name="analytics-products"),
    re_path(r"^analytics/export/?$", views.ExportView.as_view(), name="analytics-export"),
    re_path(r"^analytics/events/?$", views.EventsView.as_view(), name="analytics-events"),
    re_path(r"^analytics/seasonal/?$", views.SeasonalView.as_view(), name="analytics-seasonal"),
    re_path(r"^analytics/reorder/?$", views.ReorderView.as_view(), name="analytics-reorder"),
]
