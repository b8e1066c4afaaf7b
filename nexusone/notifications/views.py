"""Notification pages: the center (read one or all), the unread badge, settings, webhook endpoints."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from nexusone.core.access import current_merchant, require_write
from nexusone.core.forms import apply_validation_error

from . import webhooks
from .actions import mark_all_read, mark_read, unread_count
from .filters import NotificationFilter
from .forms import PreferencesForm, WebhookEndpointForm
from .models import Notification, WebhookDelivery, WebhookEndpoint
from .preferences import channel_matrix, get_preferences, update_preferences

PAGE_LIMIT = 100
DELIVERY_LIMIT = 100


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
@require_GET
def badge(request: HttpRequest) -> HttpResponse:
    """The header's unread count; re-fetched on each new notification (or by polling without the stream)."""
    unread = unread_count(request.merchant) if request.merchant is not None else 0
    response = render(request, "notifications/_badge.html", {"unread": unread})
    response["Cache-Control"] = "no-store"
    return response


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


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    """Settings → Notifications: which events reach the team on which channel, and where."""
    merchant = current_merchant(request)
    saved = get_preferences(merchant)
    initial = {"email_to": ", ".join(saved.email_to), "sms_to": saved.sms_to}
    form = PreferencesForm(initial=initial, matrix=channel_matrix(saved))
    if request.method == "POST":
        require_write(request, "change notification settings")
        form = PreferencesForm(request.POST, matrix=channel_matrix(saved))
        if form.is_valid():
            try:
                update_preferences(merchant, **form.to_action_kwargs())
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, "Notification settings saved.")
                return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


@login_required
def endpoints(request: HttpRequest) -> HttpResponse:
    """Settings → Webhooks: the endpoints, a form to add one (its secret shown once, on this answer)."""
    merchant = current_merchant(request)
    form = WebhookEndpointForm()
    created = None
    if request.method == "POST":
        require_write(request, "add webhook endpoints")
        form = WebhookEndpointForm(request.POST)
        if form.is_valid():
            try:
                created = webhooks.create_endpoint(merchant, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                form = WebhookEndpointForm()
    context = {"form": form, "created": created, "endpoints": WebhookEndpoint.objects.for_merchant(merchant)}
    return render(request, "notifications/webhooks.html", context)


@login_required
def endpoint_detail(request: HttpRequest, endpoint_id: str) -> HttpResponse:
    """One endpoint: its delivery log, turning it on or off, deleting it."""
    merchant = current_merchant(request)
    endpoint = get_object_or_404(WebhookEndpoint.objects.for_merchant(merchant), pk=endpoint_id)
    if request.method == "POST":
        require_write(request, "change webhook endpoints")
        if request.POST.get("delete"):
            endpoint.delete()
            messages.success(request, f"Endpoint {endpoint.url} deleted.")
            return redirect("notifications:webhooks")
        webhooks.update_endpoint(endpoint, active=request.POST.get("active") == "1")
        messages.success(request, f"Endpoint {'turned on' if endpoint.active else 'turned off'}.")
        return redirect("notifications:webhook", endpoint.pk)
    deliveries = WebhookDelivery.objects.filter(merchant=merchant, endpoint=endpoint).order_by("-created_at")
    context = {"endpoint": endpoint, "deliveries": deliveries[:DELIVERY_LIMIT]}
    return render(request, "notifications/webhook_detail.html", context)


@login_required
@require_POST
def redeliver(request: HttpRequest, delivery_id: str) -> HttpResponse:
    merchant = current_merchant(request)
    require_write(request, "redeliver webhooks")
    delivery = get_object_or_404(
        WebhookDelivery.objects.for_merchant(merchant).select_related("endpoint"), pk=delivery_id
    )
    if not delivery.endpoint.active:
        messages.error(request, "The endpoint is off: turn it on, then redeliver.")
    else:
        webhooks.redeliver(delivery)
        messages.success(request, "Delivery queued again; its attempt shows here in a moment.")
    return redirect("notifications:webhook", delivery.endpoint_id)
