from django.urls import path

from . import views

app_name = "suppliers"

urlpatterns = [
    path("connect/", views.connect_cj, name="connect_cj"),
    path("check/", views.check_cj, name="check_cj"),
    path("disconnect/", views.disconnect_cj, name="disconnect_cj"),
]
