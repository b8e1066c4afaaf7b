"""Inventory pages. Each page's view serves the full page and, for htmx, its partials."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from nexusone.core.access import current_merchant, require_write
from nexusone.core.exceptions import InvalidTransition
from nexusone.core.forms import apply_validation_error
from nexusone.core.pagination import paginate
from nexusone.core.rendering import render_page, render_partial, wants_partial

from . import actions
from .api.views import ProductPagination
from .choices import ChangeStatus, StockStatus, SyncStatus, SyncTrigger
from .filters import PRODUCT_ORDERING, ProductFilter, SyncRunFilter
from .forms import BulkActionForm, InventorySettingsForm, PriceEditForm, PricingRuleForm
from .models import Category, Product, StockAlert, SyncChange, SyncRun, Tag


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _back(request: HttpRequest) -> HttpResponse:
    """Back to the page the form came from (`next`), only when it is on this site."""
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("inventory:index")


def _latest_run(merchant) -> SyncRun | None:
    return SyncRun.objects.for_merchant(merchant).filter(is_full=True).order_by("-created_at").first()


def _progress_context(request: HttpRequest, merchant, run: SyncRun | None = None) -> dict:
    run = run or _latest_run(merchant)
    return {"run": run}


def _progress_response(request: HttpRequest, merchant, run: SyncRun | None = None) -> HttpResponse:
    context = _progress_context(request, merchant, run)
    response = render_partial(request, "inventory/index.html", context, "progress")
    run = context["run"]
    just_ended = request.GET.get("was") == "active" or request.method == "POST"
    if run is not None and not run.is_active and just_ended:
        response["HX-Trigger"] = "inventory-synced"  # the table and alerts reload once the run ends
    return response


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The catalog: table with filters and cursor pages, Sync now with progress, alerts."""
    merchant = current_merchant(request)
    # htmx names the part it wants (`?partial=`); the filter form's requests get the table.
    partial = request.GET.get("partial", "table") if wants_partial(request) else None
    if partial == "progress":
        return _progress_response(request, merchant)
    inventory_settings = actions.get_inventory_settings(merchant)
    threshold = inventory_settings.low_stock_threshold
    products = Product.objects.for_merchant(merchant).select_related("category").prefetch_related("tags")
    filterset = ProductFilter(
        request.GET or None, queryset=products, request=request, default_threshold=threshold, merchant=merchant
    )
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else products
    page = paginate(request, queryset, pagination_class=ProductPagination)
    rows = actions.catalog_rows(merchant, page, threshold)
    context = {
        "filter": filterset,
        "rows": rows,
        "page": page,
        "stock_choices": StockStatus.choices,
        "ordering_choices": [(name, name.replace("_", " ")) for name, _ in PRODUCT_ORDERING],
        "categories": Category.objects.for_merchant(merchant),
        "tags": Tag.objects.for_merchant(merchant),
        "alerts": StockAlert.objects.for_merchant(merchant).filter(state="open").select_related("product")[:20],
        "held_count": SyncChange.objects.for_merchant(merchant).filter(status=ChangeStatus.HELD).count(),
        "inventory_settings": inventory_settings,
        "has_filters": any(request.GET.get(k) for k in ("search", "stock", "is_active", "category", "tag")),
        "bulk_actions": BulkActionForm.base_fields["action"].choices,
        **_progress_context(request, merchant),
    }
    if partial in ("table", "alerts"):
        return render_partial(request, "inventory/index.html", context, partial)
    return render_partial(request, "inventory/index.html", context)


@login_required
@require_POST
def sync_start(request: HttpRequest) -> HttpResponse:
    """Sync now: start (or join) the full sync; htmx gets the progress partial, others a redirect."""
    merchant = current_merchant(request)
    require_write(request, "change inventory")
    run = actions.start_sync(merchant, SyncTrigger.MANUAL, by=request.user)
    if request.htmx:
        return _progress_response(request, merchant, SyncRun.objects.get(pk=run.pk))
    messages.info(request, "Sync started.")
    return redirect("inventory:index")


@login_required
@require_POST
def bulk_action(request: HttpRequest) -> HttpResponse:
    merchant = current_merchant(request)
    require_write(request, "change inventory")
    wanted = [pk for pk in request.POST.getlist("selected") if _is_uuid(pk)]
    product_ids = Product.objects.for_merchant(merchant).filter(pk__in=wanted)
    form = BulkActionForm(request.POST, product_ids=product_ids.values_list("pk", flat=True))
    if not form.is_valid():
        messages.error(request, "; ".join(f"{', '.join(errors)}" for errors in form.errors.values()))
        return _back(request)
    action, selected = form.cleaned_data["action"], form.cleaned_data["selected"]
    try:
        if action == "sync":
            run = actions.start_sync(merchant, SyncTrigger.MANUAL, selected, by=request.user)
            messages.success(request, f"Syncing {len(selected)} product(s).")
            return redirect("inventory:sync_detail", run_id=run.pk)
        value = form.cleaned_data["value"]
        if action == "set_markup":
            value = {"type": form.cleaned_data["markup_type"], "value": str(form.cleaned_data["markup_value"] or 0)}
        elif action == "add_tags":
            value = [name.strip() for name in value.split(",") if name.strip()]
        count = actions.bulk_update_products(merchant, selected, action, value=value, by=request.user)
        messages.success(request, f"{dict(form.fields['action'].choices)[action]}: {count} product(s).")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _back(request)


@login_required
def product_price(request: HttpRequest, product_id: str) -> HttpResponse:
    """Inline price edit of one row: GET the editor, POST the price (and lock) back into the row."""
    merchant = current_merchant(request)
    product = get_object_or_404(Product.objects.for_merchant(merchant).select_related("category"), pk=product_id)
    threshold = actions.get_inventory_settings(merchant).low_stock_threshold
    form = PriceEditForm(initial={"price": product.price, "price_locked": product.price_locked})
    editing = request.method == "GET" and request.GET.get("edit") == "1"
    if request.method == "POST":
        require_write(request, "change inventory")
        form = PriceEditForm(request.POST)
        if form.is_valid():
            try:
                actions.update_product(product, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                apply_validation_error(form, exc)
                editing = True
        else:
            editing = True
    context = {"row": actions.catalog_rows(merchant, [product], threshold)[0], "form": form, "editing": editing}
    return render_partial(request, "inventory/index.html", context, "row")


@login_required
def sync_history(request: HttpRequest) -> HttpResponse:
    merchant = current_merchant(request)
    runs = SyncRun.objects.for_merchant(merchant).order_by("-created_at")
    filterset = SyncRunFilter(request.GET or None, queryset=runs)
    if filterset.is_bound and filterset.is_valid():
        runs = filterset.qs
    page = paginate(request, runs)
    context = {
        "runs": page,
        "polling": any(run.is_active for run in page),
        "status_choices": SyncStatus.choices,
        "trigger_choices": SyncTrigger.choices,
        "has_filters": any(request.GET.get(k) for k in ("search", "status", "trigger")),
    }
    return render_page(request, "inventory/syncs.html", context, "runs")


@login_required
def sync_detail(request: HttpRequest, run_id: str) -> HttpResponse:
    merchant = current_merchant(request)
    run = get_object_or_404(SyncRun.objects.for_merchant(merchant), pk=run_id)
    changes = run.changes.select_related("product", "variant").order_by("product__name", "variant__name")[:500]
    context = {"run": run, "changes": changes}
    return render_partial(request, "inventory/sync_detail.html", context, "summary" if request.htmx else None)


@login_required
def changes_review(request: HttpRequest) -> HttpResponse:
    """Held supplier price moves awaiting approval (and the latest decisions)."""
    merchant = current_merchant(request)
    held = SyncChange.objects.for_merchant(merchant).filter(status=ChangeStatus.HELD).select_related("product")
    decided = (
        SyncChange.objects.for_merchant(merchant)
        .filter(decided_at__isnull=False)
        .select_related("product", "decided_by")
        .order_by("-decided_at")[:20]
    )
    context = {"held": held, "decided": decided}
    return render_partial(request, "inventory/changes.html", context, "held" if request.htmx else None)


@login_required
@require_POST
def change_decide(request: HttpRequest, change_id: str, decision: str) -> HttpResponse:
    merchant = current_merchant(request)
    require_write(request, "change inventory")
    if decision not in ("approve", "reject"):
        raise Http404("Unknown decision.")
    change = get_object_or_404(SyncChange.objects.for_merchant(merchant), pk=change_id)
    try:
        if decision == "approve":
            actions.approve_change(change, by=request.user)
            messages.success(request, f"New cost of {change.product.name} approved.")
        else:
            actions.reject_change(change, by=request.user)
            messages.info(request, f"Cost change of {change.product.name} rejected; the price stays.")
    except InvalidTransition as exc:
        messages.error(request, str(exc.detail))
    return redirect("inventory:changes")


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    """Threshold, schedule, out-of-stock action, guardrail; the default pricing rule with a preview."""
    merchant = current_merchant(request)
    inventory_settings = actions.get_inventory_settings(merchant)
    rule = inventory_settings.default_pricing_rule
    settings_form = InventorySettingsForm(
        initial={
            "low_stock_threshold": inventory_settings.low_stock_threshold,
            "sync_frequency": inventory_settings.sync_frequency,
            "price_cycle": inventory_settings.price_cycle,
            "out_of_stock_action": inventory_settings.out_of_stock_action,
            "reactivate_when_back": inventory_settings.reactivate_when_back,
            "price_guardrail_percent": inventory_settings.price_guardrail_percent,
            "ship_from_countries": ", ".join(inventory_settings.ship_from_countries),
        },
        merchant=merchant,
    )
    rule_form = PricingRuleForm(
        initial={
            "markup_type": rule.markup_type if rule else "percent",
            "markup_value": rule.markup_value if rule else Decimal("40"),
            "round_to_99": rule.round_to_99 if rule else False,
            "minimum_profit": rule.minimum_profit if rule else Decimal("0"),
        }
    )
    previews = None
    if request.method == "POST":
        require_write(request, "change inventory")
        intent = request.POST.get("intent")
        if intent == "settings":
            settings_form = InventorySettingsForm(request.POST, merchant=merchant)
            if settings_form.is_valid():
                try:
                    actions.update_inventory_settings(merchant, by=request.user, **settings_form.cleaned_data)
                except ValidationError as exc:
                    apply_validation_error(settings_form, exc)
                else:
                    messages.success(request, "Inventory settings saved.")
                    return redirect("inventory:settings")
        elif intent in ("preview", "apply"):
            rule_form = PricingRuleForm(request.POST)
            previews = []
            if rule_form.is_valid():
                if intent == "apply":
                    count = actions.apply_pricing_rule(merchant, rule_form.to_rule(), by=request.user)
                    messages.success(request, f"Pricing rule saved; {count} product price(s) updated.")
                    response = redirect("inventory:settings")
                    if request.htmx:
                        response = HttpResponse()
                        response["HX-Redirect"] = reverse("inventory:settings")
                    return response
                previews = actions.preview_pricing(merchant, rule_form.to_rule())
            if request.htmx:
                context = {"previews": previews, "rule_form": rule_form}
                return render_partial(request, "inventory/settings.html", context, "preview")
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.filter(name=actions.schedule_name(merchant)).select_related("crontab").first()
    context = {
        "settings_form": settings_form,
        "rule_form": rule_form,
        "previews": previews,
        "schedule": task.crontab if task else None,
        "plan": actions.freshness_plan(merchant),
        "settings_url": reverse("inventory:settings"),
    }
    return render_partial(request, "inventory/settings.html", context)
