"""The order center: pipeline, searchable table, order page with actions, manual entry, settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect
from rest_framework.exceptions import APIException

from nexusone.core.access import current_merchant, require_write
from nexusone.core.forms import apply_validation_error
from nexusone.core.pagination import paginate
from nexusone.core.rendering import render_page, render_partial

from . import actions, entry
from .choices import OrderStatus, SubmissionState
from .filters import OrderFilter
from .forms import FulfillmentSettingsForm, RefundForm
from .models import ZERO, Order, Shipment

LIVE_STATUSES = (OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.PROCESSING, OrderStatus.SHIPPED)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    merchant = current_merchant(request)
    base = Order.objects.for_merchant(merchant).prefetch_related(
        Prefetch("shipments", queryset=Shipment.objects.order_by("created_at"))
    )
    order_filter = OrderFilter(request.GET or None, queryset=base)
    queryset = order_filter.qs if order_filter.is_bound and order_filter.is_valid() else base
    oldest_first = request.GET.get("sort") == "created_at"
    page = paginate(request, queryset, ordering=("created_at", "id") if oldest_first else ("-created_at", "-id"))
    query = request.GET.copy()
    query.pop("cursor", None)  # the live refresh reloads the first page with the same filters
    counts = actions.order_summary_counts(merchant)
    context = {
        "filter": order_filter,
        "orders": page,
        "query": query.urlencode(),
        "pipeline": [(s, label, counts[s]) for s, label in OrderStatus.choices],
        "total": sum(counts.values()),
        "live": counts[OrderStatus.PENDING] > 0,
        "statuses": OrderStatus.choices,
        "selected_statuses": request.GET.getlist("status"),
    }
    return render_page(request, "orders/index.html", context, "orders")


@login_required
def new(request: HttpRequest) -> HttpResponse:
    """Enter an order by hand: add item rows picked from the catalog, get CJ's shipping options, create.

    Every button posts the whole form with its `intent` (add, remove:<row>, search, quote, create), so the
    page works as plain form posts; htmx swaps the form, or one row's search results as you type."""
    merchant = current_merchant(request)
    require_write(request, "change orders")
    if request.method != "POST":
        return render(request, "orders/new.html", {"entry": entry.OrderEntry(merchant)})
    intent = request.POST.get("intent", "create")
    page = entry.OrderEntry(merchant, entry.data_for_intent(request.POST, intent))
    if intent == "search" and request.htmx and (row := page.row_for_trigger(request.htmx.trigger_name)):
        page.search_rows(only=row.index)
        return render_partial(request, "orders/new.html", {"entry": page, "row": row}, "item-results")
    if intent == "quote":
        page.quote()
    elif intent == "create" and (result := page.create(by=request.user)) is not None:
        order, created = result
        if created:
            messages.success(request, f"Order {order.reference} created; sending it to CJ.")
        else:
            messages.info(request, f"Order {order.reference} already exists; here it is.")
        url = reverse("orders:detail", args=[order.pk])
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    page.search_rows()
    return render_page(request, "orders/new.html", {"entry": page}, "form")


@login_required
def detail(request: HttpRequest, order_id: str) -> HttpResponse:
    merchant = current_merchant(request)
    order = get_object_or_404(
        Order.objects.for_merchant(merchant)
        .select_related("submission", "merchant")
        .prefetch_related(
            "lines",
            "status_events",
            "logs",
            "commission_entries",
            Prefetch("shipments", queryset=Shipment.objects.order_by("created_at").prefetch_related("events")),
        ),
        pk=order_id,
    )
    submission = getattr(order, "submission", None)
    allowed = actions.allowed_actions(order)
    in_flight = order.status == OrderStatus.PENDING or (
        submission is not None and submission.state in (SubmissionState.SENDING, SubmissionState.UNKNOWN)
    )
    context = {
        "order": order,
        "submission": submission,
        "in_flight": in_flight,
        "refund_form": RefundForm(initial={"amount": order.total_amount - order.refunded_amount}),
        "can_write": request.membership is not None and request.membership.can_write,
        "can_cancel": allowed.cancel,
        "can_refund": allowed.refund,
        "can_retry": allowed.retry,
        "can_refresh": allowed.refresh,
        "sandbox_steps": actions.SANDBOX_STEPS if _sandbox_can_advance(order) else (),
        "commission_net": sum((e.client_share for e in order.commission_entries.all()), ZERO),
    }
    return render_page(request, "orders/detail.html", context, "live")


def _sandbox_can_advance(order: Order) -> bool:
    movable = (OrderStatus.CONFIRMED, OrderStatus.PROCESSING, OrderStatus.SHIPPED)
    return bool(order.external_order_id and order.status in movable and actions.sandbox_control_url())


@login_required
@require_POST
def order_action(request: HttpRequest, order_id: str, action: str) -> HttpResponse:
    merchant = current_merchant(request)
    require_write(request, "change orders")
    order = get_object_or_404(Order.objects.for_merchant(merchant), pk=order_id)
    try:
        if action == "cancel":
            order = actions.cancel_order(order, by=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, f"Order {order.reference} cancelled. {order.cancellation_note}".strip())
        elif action == "refund":
            form = RefundForm(request.POST)
            if not form.is_valid():
                messages.error(request, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
                return redirect("orders:detail", order.pk)
            order = actions.refund_order(
                order, form.cleaned_data.get("amount"), by=request.user, reason=form.cleaned_data.get("reason", "")
            )
            messages.success(request, f"Refund recorded; {order.refunded_amount} {order.currency} refunded in total.")
        elif action == "retry":
            actions.retry_order(order, by=request.user)
            messages.success(request, f"Order {order.reference} is being sent to CJ again.")
        elif action == "refresh":
            order = actions.refresh_tracking(order)
            messages.success(request, "Tracking refreshed from CJ.")
        elif action == "sandbox":
            order = actions.advance_in_sandbox(order, request.POST.get("to", ""))
            messages.success(request, f"The CJ sandbox moved order {order.reference} on; it is {order.status} now.")
        else:
            raise Http404("Unknown action")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except APIException as exc:
        messages.error(request, _flatten(exc.detail))
    return redirect("orders:detail", order.pk)


def _flatten(detail) -> str:
    if isinstance(detail, dict):
        return " ".join(_flatten(v) for v in detail.values())
    if isinstance(detail, list):
        return " ".join(_flatten(v) for v in detail)
    return str(detail)


@login_required
def fulfillment_settings(request: HttpRequest) -> HttpResponse:
    merchant = current_merchant(request)
    current = actions.get_fulfillment_settings(merchant)
    form = FulfillmentSettingsForm(
        request.POST or None,
        initial={"pay_from_balance": current.pay_from_balance, "from_country_code": current.from_country_code},
    )
    if request.method == "POST" and request.POST.get("register_webhooks"):
        require_write(request, "change orders")
        try:
            url = actions.register_webhooks(merchant, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except APIException as exc:
            messages.error(request, _flatten(exc.detail))
        else:
            messages.success(request, f"CJ now sends order, logistics, product and stock messages to {url}.")
        return redirect("orders:settings")
    if request.method == "POST":
        require_write(request, "change orders")
        if form.is_valid():
            try:
                actions.update_fulfillment_settings(merchant, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
            except APIException as exc:
                form.add_error("pay_from_balance", str(exc.detail))
            else:
                messages.success(request, "Fulfillment settings saved.")
                return redirect("orders:settings")
    context = {"form": form, "settings_row": current, "webhook_url": actions.webhook_url()}
    return render(request, "orders/settings.html", context)
