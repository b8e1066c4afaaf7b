from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/placeholder.html",
        {"title": "extension_auth".replace("_", " ").title(), "message": "Nothing here yet."},
    )
