"""The sandbox's routes: CJ's API under `api2.0/v1/`, sandbox-only controls under `control/`."""

from django.urls import path, re_path

from . import api, views

app_name = "cj_sandbox"

urlpatterns = [
    path("", views.front_page, name="front"),
    re_path(r"^product/(?P<slug>.*)-p-(?P<pid>[0-9A-Za-z-]+)\.html$", views.product_page, name="product"),
    path("images/<str:key>.svg", views.image, name="image"),
    path("api2.0/v1/<path:path>", api.cj_api, name="api"),
    re_path(r"^control/state/?$", views.control_state, name="control_state"),
    re_path(r"^control/reset/?$", views.control_reset, name="control_reset"),
    re_path(r"^control/faults/?$", views.control_faults, name="control_faults"),
    re_path(r"^control/stock/?$", views.control_stock, name="control_stock"),
    re_path(r"^control/tick/?$", views.control_tick, name="control_tick"),
    re_path(r"^control/price/?$", views.control_price, name="control_price"),
    re_path(r"^control/products/(?P<pid>[^/]+)/?$", views.control_product, name="control_product"),
    re_path(r"^control/orders/(?P<order_id>[^/]+)/advance/?$", views.control_order_advance, name="control_advance"),
]
