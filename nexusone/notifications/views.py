"""The notification center page: the latest notices, unread only on request, marking them read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from .actions import mark_all_read, mark_read
from .filters import NotificationFilter
from .models import Notification

PAGE_LIMIT = 100


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    if request.merchant is None:
        return render(request, "core/no_merchant.html", status=403)
    filterset = NotificationFilter(request.GET, queryset=Notification.objects.for_merchant(request.merchant))
    notifications = filterset.qs[:PAGE_LIMIT]
    unread_only = filterset.form.cleaned_data.get("unread") == "true"
    return render(request, "notifications/list.html", {"notifications": notifications, "unread_only": unread_only})


@login_required
@require_POST
def read(request: HttpRequest, notification_id: str) -> HttpResponse:
    notification = get_object_or_404(Notification.objects.for_merchant(request.merchant), pk=notification_id)
    mark_read(notification)
    return redirect("notifications:index")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    if request.merchant is None:
        return render(request, "core/no_merchant.html", status=403)
    marked = mark_all_read(request.merchant)
    messages.success(request, f"{marked} notification{'' if marked == 1 else 's'} marked read.")
    return redirect("notifications:index")
