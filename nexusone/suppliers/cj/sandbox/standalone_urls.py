"""URLconf of the standalone sandbox (`manage.py cj_sandbox`): the sandbox at the root."""

from django.urls import include, path

urlpatterns = [path("", include("nexusone.suppliers.cj.sandbox.urls"))]
