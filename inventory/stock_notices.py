"""Stock news for the team: one message per kind (out of stock, low, back in stock) per sync run.

A sync run collects the alerts it opens and the products that recover (`one_message_per_run`) and
announces them when it ends; a stock write outside a run (an order reserving the last units)
announces its own at once. A single product keeps its own wording; several are listed in one message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar

from nexusone.notifications.actions import emit
from nexusone.notifications.choices import EventType, Level

from .choices import AlertKind

if TYPE_CHECKING:
    from nexusone.accounts.models import Merchant

    from .models import Product, StockAlert

LISTED_AT_MOST = 20
KIND_EVENTS = {AlertKind.OUT_OF_STOCK: EventType.OUT_OF_STOCK, AlertKind.LOW_STOCK: EventType.LOW_STOCK}


@dataclass
class StockNews:
    merchant: Merchant
    run_id: str | None = None
    opened: list[tuple[StockAlert, str]] = field(default_factory=list)  # (alert, its message)
    recovered: list[Product] = field(default_factory=list)

    def announce(self) -> None:
        for kind, event in KIND_EVENTS.items():
            alerts = [(alert, message) for alert, message in self.opened if alert.kind == kind]
            if alerts:
                self._announce_alerts(kind, event, alerts)
        if self.recovered:
            self._announce_recovered()

    def _payload(self, products: Sequence[dict[str, Any]]) -> dict[str, Any]:
        payload: dict[str, Any] = {"count": len(products), "products": list(products)}
        if self.run_id:
            payload["run_id"] = self.run_id
        return payload

    def _announce_alerts(self, kind: str, event: str, alerts: list[tuple[StockAlert, str]]) -> None:
        out = kind == AlertKind.OUT_OF_STOCK
        products = [_describe(alert.product, alert_id=str(alert.pk)) for alert, _ in alerts]
        data = self._payload(products)
        if len(alerts) == 1:
            (alert, message), product = alerts[0], alerts[0][0].product
            title, body, link = f"{'Out of stock' if out else 'Low stock'}: {product.name}", message, _link(product)
            data.update(product_id=str(product.pk), alert_id=str(alert.pk))
        else:
            title = f"{len(alerts)} products {'out of stock' if out else 'low on stock'}"
            body, link = _listing([message for _, message in alerts]), f"/inventory/?stock={'out' if out else 'low'}"
        emit(self.merchant, event, data, title=title, body=body, level=Level.ERROR if out else Level.WARNING, link=link)

    def _announce_recovered(self) -> None:
        products = self.recovered
        data = self._payload([_describe(product) for product in products])
        if len(products) == 1:
            product = products[0]
            title, link = f"Back in stock: {product.name}", _link(product)
            body = f"{product.name} has {product.stock_quantity} to sell again."
        else:
            title, link = f"{len(products)} products back in stock", "/inventory/?stock=in_stock"
            body = _listing([f"{p.name}: {p.stock_quantity} to sell" for p in products])
        emit(self.merchant, EventType.BACK_IN_STOCK, data, title=title, body=body, level=Level.SUCCESS, link=link)


def _describe(product: Product, **extra: str) -> dict[str, Any]:
    return {
        "product_id": str(product.pk),
        "name": product.name,
        "sku": product.sku,
        "external_id": product.external_id,
        "stock_quantity": product.stock_quantity,
        **extra,
    }


def _link(product: Product) -> str:
    return f"/inventory/?search={product.sku or product.external_id}"


def _listing(lines: list[str]) -> str:
    listed = [f"• {line}" for line in lines[:LISTED_AT_MOST]]
    if len(lines) > LISTED_AT_MOST:
        listed.append(f"… and {len(lines) - LISTED_AT_MOST} more.")
    return "\n".join(listed)


_news: ContextVar[StockNews | None] = ContextVar("stock_news", default=None)


@contextmanager
def one_message_per_run(merchant: Merchant, run_id: Any = None) -> Iterator[StockNews]:
    """Collect the stock news of everything inside; announce it once at the end (even after an error)."""
    news = StockNews(merchant, str(run_id) if run_id else None)
    token = _news.set(news)
    try:
        yield news
    finally:
        _news.reset(token)
        news.announce()


F = TypeVar("F", bound=Callable[..., Any])


def batched_by_run(execute: F) -> F:
    """Decorate `execute_sync(run, ...)`: the run's stock news goes out as one message per kind."""

    @wraps(execute)
    def wrapper(run: Any, *args: Any, **kwargs: Any) -> Any:
        with one_message_per_run(run.merchant, run.pk):
            return execute(run, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def announce(merchant: Merchant, opened: Sequence[tuple[StockAlert, str]], recovered: Sequence[Product]) -> None:
    """News from one stock write: into the running sync's message, or out at once."""
    news = _news.get()
    if news is None or news.merchant.pk != merchant.pk:
        news = StockNews(merchant)
        news.opened.extend(opened)
        news.recovered.extend(recovered)
        news.announce()
        return
    news.opened.extend(opened)
    news.recovered.extend(recovered)
