"""API routes; each pattern accepts the path with or without a trailing slash."""

from django.urls import re_path

from . import views

urlpatterns = [
    re_path(r"^order-fulfillment/?$", views.OrderFulfillmentView.as_view(), name="order-fulfillment"),
    re_path(r"^dropshipping/orders/?$", views.OrderList.as_view(), name="order-list"),
    re_path(r"^dropshipping/orders/(?P<pk>[0-9a-f-]{36})/?$", views.OrderDetail.as_view(), name="order-detail"),
    re_path(r"^order-tracking/(?P<pk>[0-9a-f-]{36})/?$", views.OrderTracking.as_view(), name="order-tracking"),
]
