"""API routes; each pattern accepts the path with or without a trailing slash."""

from django.urls import re_path

from nexusone.core.routers import UUID_PK

from . import views

urlpatterns = [
    re_path(r"^order-fulfillment/?$", views.OrderFulfillmentView.as_view(), name="order-fulfillment"),
    re_path(r"^dropshipping/orders/?$", views.OrderList.as_view(), name="order-list"),
    re_path(rf"^dropshipping/orders/{UUID_PK}/?$", views.OrderDetail.as_view(), name="order-detail"),
    re_path(rf"^order-tracking/{UUID_PK}/?$", views.OrderTracking.as_view(), name="order-tracking"),
]
