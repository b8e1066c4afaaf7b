from django.urls import path

from . import views

app_name = "orders"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("settings/", views.fulfillment_settings, name="settings"),
    path("<uuid:order_id>/", views.detail, name="detail"),
    path("<uuid:order_id>/<str:action>/", views.order_action, name="action"),
]
