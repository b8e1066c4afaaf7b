from django.urls import path

from . import views

app_name = "analytics"

urlpatterns = [
    path("analytics/", views.index, name="index"),
    path("rate/<str:token>/", views.rate, name="rate"),
]
