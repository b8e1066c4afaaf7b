"""Cursor pages, for the API and for every HTML list alike.

The API's list views use `CursorPagination` as their pagination class; HTML views call `paginate`,
which runs the same paginator over the page's request, so both faces page the same way and a page
link keeps the list's search, filters and sort.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from rest_framework.pagination import CursorPagination as BaseCursorPagination
from rest_framework.request import Request

HTML_PAGE_SIZE = 25


class CursorPagination(BaseCursorPagination):
    """`{"next", "previous", "results"}`, newest first, `page_size` up to 200."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-created_at", "-id")


@dataclass(frozen=True)
class Page:
    """One page of an HTML list: its rows and the links to the pages around it (None at either end)."""

    items: list[Any]
    next_link: str | None
    previous_link: str | None

    def __iter__(self) -> Iterator[Any]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


def paginate(
    request: HttpRequest,
    queryset: QuerySet,
    *,
    ordering: Sequence[str] | None = None,
    page_size: int = HTML_PAGE_SIZE,
    pagination_class: type[CursorPagination] = CursorPagination,
) -> Page:
    """One cursor page of `queryset` for an HTML list, in `ordering` (default: the paginator's, newest first).

    `pagination_class` chooses another order from the request (e.g. the product list's `ordering=price`)."""
    paginator = pagination_class()
    paginator.page_size = page_size
    if ordering is not None:
        paginator.ordering = tuple(ordering)
    items = paginator.paginate_queryset(queryset, Request(request))
    return Page(list(items or []), paginator.get_next_link(), paginator.get_previous_link())
