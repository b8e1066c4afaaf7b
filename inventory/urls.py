from django.urls import path

from . import views

app_name = "inventory"

urlpatterns = [
    path("", views.index, name="index"),
    path("sync/", views.sync_start, name="sync_start"),
    path("bulk/", views.bulk_action, name="bulk"),
    path("products/<uuid:product_id>/price/", views.product_price, name="product_price"),
    path("syncs/", views.sync_history, name="syncs"),
    path("syncs/<uuid:run_id>/", views.sync_detail, name="sync_detail"),
    path("changes/", views.changes_review, name="changes"),
    path("changes/<uuid:change_id>/<str:decision>/", views.change_decide, name="change_decide"),
    path("settings/", views.settings_page, name="settings"),
]
