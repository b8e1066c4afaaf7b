"""Every API route the URL resolver knows, so a test that walks them covers a new route the day it is added."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.regex_helper import normalize

METHODS = ("get", "post", "put", "patch", "delete")


def _walk(patterns, prefix: str = "") -> Iterator[tuple[str, object]]:
    for pattern in patterns:
        regex = prefix + pattern.pattern.regex.pattern.lstrip("^")
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, regex.removesuffix("$"))
        elif isinstance(pattern, URLPattern):
            yield regex, pattern.callback


def api_routes() -> list[tuple[str, object]]:
    """(route template, view) for every /api/ pattern, one template per pattern (the slash-less form)."""
    routes = {}
    for regex, callback in _walk(get_resolver().url_patterns):
        template, params = normalize(regex)[0]
        if not template.startswith("api/") or "format" in params:
            continue
        routes.setdefault(template.rstrip("/"), callback)
    return sorted(routes.items())


def reads_bearer_tokens(callback) -> bool:
    """DRF views that authenticate requests; CJ's webhook and the login endpoints read no bearer token."""
    view_class = getattr(callback, "cls", None)
    return view_class is not None and bool(view_class().get_authenticators())


def implements(callback, method: str) -> bool:
    view_class = getattr(callback, "cls", None)
    if view_class is None:  # a plain Django view: it says which methods it takes only when called
        return True
    if hasattr(callback, "actions"):  # a ViewSet route maps methods to actions
        return method in callback.actions
    return method in view_class.http_method_names and hasattr(view_class, method)


def url_of(template: str, pk: object | None = None) -> str:
    """The path of a route template, with `pk` (or a fresh UUID) for every parameter."""
    return "/" + re.sub(r"%\((\w+)\)s", lambda _: str(pk or uuid.uuid4()), template)
