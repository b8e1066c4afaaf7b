from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from nexusone.core.access import current_merchant, require_write
from nexusone.core.forms import apply_validation_error
from nexusone.core.pagination import paginate
from nexusone.core.rendering import render_page
from nexusone.suppliers.base import SupplierError
from nexusone.suppliers.errors import SupplierNotConnected

from . import actions
from . import catalog as catalog_actions
from .choices import ImportSource
from .filters import ImportJobFilter
from .forms import CatalogSearchForm, ImportForm
from .models import ImportJob

CATALOG_PAGE_SIZE = 20


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _start(request: HttpRequest, form: ImportForm, source: str, inputs) -> ImportJob | None:
    """Start an import from a validated form; errors land beside the form's fields."""
    try:
        return actions.start_import(
            request.merchant,
            source=source,
            inputs=inputs,
            markup=form.cleaned_data.get("markup"),
            category=form.cleaned_data.get("category", ""),
            tags=form.cleaned_data.get("tag_list"),
            user=request.user,
        )
    except SupplierNotConnected as exc:
        form.add_error(None, str(exc.detail))
        return None
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            exc = ValidationError(
                {"inputs" if k in ("urls", "product_ids") else k: v for k, v in exc.error_dict.items()}
            )
        apply_validation_error(form, exc)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    """Paste URLs or IDs, preview what will happen, then import."""
    current_merchant(request)
    form = ImportForm(request.POST or None)
    preview = None
    if request.method == "POST":
        require_write(request, "import products")
        if form.is_valid():
            if request.POST.get("action") == "preview":
                preview = actions.preview_import(request.merchant, form.cleaned_data["inputs"])
                return render_page(request, "imports/index.html", _index_context(request, form, preview), "preview")
            raw = form.cleaned_data["inputs"]
            source = ImportSource.URL if "/" in raw else ImportSource.IDS
            job = _start(request, form, source, raw)
            if job is not None:
                return _redirect(request, reverse("imports:job", args=[job.pk]))
        if request.htmx:
            return render_page(request, "imports/index.html", _index_context(request, form, preview), "form")
    return render_page(request, "imports/index.html", _index_context(request, form, preview))


def _index_context(request: HttpRequest, form: ImportForm, preview) -> dict:
    merchant = request.merchant
    return {
        "form": form,
        "preview": preview,
        "quota_left": actions.import_quota_left(merchant),
        "product_limit": merchant.capabilities.product_limit,
        "connected": actions.get_supplier_account(merchant) is not None,
        "recent_jobs": ImportJob.objects.for_merchant(merchant)[:5],
    }


@login_required
def job_detail(request: HttpRequest, job_id: str) -> HttpResponse:
    """A job with its progress bar and per-item table; htmx polls the `progress` partial while it runs."""
    current_merchant(request)
    jobs = ImportJob.objects.for_merchant(request.merchant).select_related("created_by", "extension_session")
    job = get_object_or_404(jobs, pk=job_id)
    items = job.items.select_related("product").order_by("position")
    return render_page(request, "imports/job.html", {"job": job, "items": items}, "progress")


@login_required
def history(request: HttpRequest) -> HttpResponse:
    current_merchant(request)
    jobs = ImportJob.objects.for_merchant(request.merchant).select_related("created_by")
    filterset = ImportJobFilter(request.GET or None, queryset=jobs)
    context = {"filter": filterset, "page": paginate(request, filterset.qs)}
    return render_page(request, "imports/history.html", context, "jobs")


@login_required
@require_http_methods(["GET", "POST"])
def catalog(request: HttpRequest) -> HttpResponse:
    """Search the supplier's catalog and import the checked products in one job."""
    current_merchant(request)
    account = actions.get_supplier_account(request.merchant)
    if request.method == "POST":
        require_write(request, "import products")
        pids = request.POST.getlist("pid")
        form = ImportForm(
            {
                "inputs": " ".join(pids),
                **{k: request.POST.get(k, "") for k in ("markup_type", "markup_value", "category", "tags")},
            }
        )
        if not pids:
            messages.error(request, "Tick at least one product to import.")
            return _redirect(request, request.get_full_path())
        if form.is_valid():
            job = _start(request, form, ImportSource.IDS, pids)
            if job is not None:
                return _redirect(request, reverse("imports:job", args=[job.pk]))
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return _redirect(request, request.get_full_path())
    categories, category_note = _category_tree(request.merchant) if account is not None else ([], "")
    search = CatalogSearchForm(request.GET or None, categories=categories)
    results, error = None, ""
    if account is None:
        error = actions.NOT_CONNECTED_MESSAGE
    elif search.is_bound and search.is_valid():
        try:
            results = catalog_actions.search_catalog(
                request.merchant,
                search.cleaned_data.get("keyword", ""),
                category_id=search.cleaned_data.get("category_id", ""),
                page=search.cleaned_data.get("page") or 1,
                page_size=CATALOG_PAGE_SIZE,
            )
        except SupplierError as exc:
            error = f"CJ did not answer the search ({exc}); try again in a moment."
    context = {
        "search": search,
        "results": results,
        "error": error,
        "category_note": category_note,
        "import_form": ImportForm(),
        **_catalog_paging(request, results),
    }
    return render_page(request, "imports/catalog.html", context, "results")


def _category_tree(merchant) -> tuple[list, str]:
    """CJ's categories for the select; when CJ cannot give them, a keyword search still works."""
    try:
        return catalog_actions.category_tree(merchant), ""
    except SupplierError as exc:
        return [], f"CJ's categories could not be loaded ({exc}); search by keyword, or reload in a moment."


def _catalog_paging(request: HttpRequest, results) -> dict:
    if results is None:
        return {}
    query = request.GET.copy()
    pages = results.pages
    links = {}
    for name, number in (("previous_url", results.page - 1), ("next_url", results.page + 1)):
        if 1 <= number <= pages:
            query["page"] = number
            links[name] = f"?{query.urlencode()}"
    return {"pages": pages, **links}
