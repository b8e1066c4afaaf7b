"""The CJ Dropshipping API 2.0 client: `CJSupplier(account)` implements the supplier protocol.

Each call: circuit check → shared rate-limit slot (held until the answer) → HTTP with the account's access
token → envelope check (`code`, not the HTTP status) → named error. Transient
failures (rate limits, 5xx, timeouts, "system busy") are retried with exponential
backoff and jitter, honouring Retry-After; an order create whose outcome is
unknown is never retried. Every HTTP exchange is counted and logged without
tokens or keys.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import requests
from django.conf import settings
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from nexusone.suppliers.base import (
    CategoryNode,
    OrderLineRequest,
    OrderRequest,
    ProductPage,
    ShippingQuote,
    StockLevel,
    SupplierAuthError,
    SupplierCircuitOpen,
    SupplierError,
    SupplierNotFound,
    SupplierOrder,
    SupplierOutcomeUnknown,
    SupplierProduct,
    SupplierQuotaExhausted,
    SupplierRateLimited,
    SupplierRejected,
    SupplierUnavailable,
    TrackingInfo,
    WebhookEvent,
)
from nexusone.suppliers.budget import current_purpose
from nexusone.suppliers.models import SupplierAccount

from . import accounting, mapping, webhooks
from .circuit import CircuitBreaker
from .countries import country_name
from .errors import ORDER_DELETE_FAILED, ORDER_EXISTS, TOKEN_INVALID, error_for_code
from .points import PointsLedger
from .ratelimit import LEVEL_QPS, AccountRateLimiter
from .tokens import TokenManager, cj_account_key

logger = logging.getLogger("nexusone.suppliers.cj")

DEFAULT_TIMEOUT = (5.0, 30.0)  # (connect, read) seconds


def account_qps(account: SupplierAccount) -> float:
    """The account's own QPS, else CJ_QPS, else the level's (CJ_API.md §3), else 1."""
    if account.qps:
        return float(account.qps)
    if getattr(settings, "CJ_QPS", 0):
        return float(settings.CJ_QPS)
    return LEVEL_QPS.get(account.level if account.level is not None else 1, 1.0)


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _transport_error(message: str, *, maybe_sent: bool) -> SupplierUnavailable:
    error = SupplierUnavailable(message)
    error.maybe_sent = maybe_sent  # type: ignore[attr-defined]
    return error


def _not_sent(exc: requests.RequestException) -> bool:
    """True when the request surely never reached CJ (no connection was made)."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    text = repr(exc)
    return isinstance(exc, requests.ConnectionError) and (
        "NewConnectionError" in text or "Failed to establish" in text or "NameResolutionError" in text
    )


class CJSupplier:
    code = "cj"

    def __init__(
        self,
        account: SupplierAccount,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        base_url: str | None = None,
        max_attempts: int | None = None,
    ) -> None:
        self.account = account
        self.base_url = (base_url or settings.CJ_API_BASE_URL).rstrip("/")
        self.session = session or requests.Session()
        self.sleep = sleep
        self.max_attempts = max_attempts or int(getattr(settings, "CJ_MAX_ATTEMPTS", 3))
        self.max_wait = float(getattr(settings, "CJ_RETRY_MAX_WAIT", 30))
        self.timeout = getattr(settings, "CJ_TIMEOUT", DEFAULT_TIMEOUT)
        self.circuit = CircuitBreaker.for_cj(clock)
        # The limiter keeps Redis's clock (shared by every process), even when a test fakes this one.
        self.limiter = AccountRateLimiter(cj_account_key(account), account_qps(account), sleep=sleep)
        self.tokens = TokenManager(account, self._post_auth)
        self.points = PointsLedger(account)

    # --- transport ----------------------------------------------------------------------------
    def _send(self, method: str, path: str, *, params: Any = None, body: Any = None, token: str | None = None) -> Any:
        """One HTTP exchange → CJ's `data`, or a named error. Counted and logged, secrets never."""
        headers = {"Accept": "application/json"}
        if token is not None:
            headers["CJ-Access-Token"] = token
        started = time.monotonic()
        status: int | None = None
        cj_code = request_id = error_text = ""
        try:
            try:
                response = self.session.request(
                    method, f"{self.base_url}/{path}", params=params, json=body, headers=headers, timeout=self.timeout
                )
            except requests.Timeout as exc:
                error_text = type(exc).__name__
                raise _transport_error(f"CJ timed out on {path}", maybe_sent=not _not_sent(exc)) from exc
            except requests.RequestException as exc:
                error_text = type(exc).__name__
                raise _transport_error(f"CJ unreachable on {path}", maybe_sent=not _not_sent(exc)) from exc
            status = response.status_code
            try:
                payload = response.json()
            except ValueError:
                payload = None
            if isinstance(payload, dict):
                cj_code = mapping.text(payload.get("code"))
                request_id = mapping.text(payload.get("requestId"))
            if status >= 500:
                error_text = f"HTTP {status}"
                raise _transport_error(f"CJ answered HTTP {status} on {path}", maybe_sent=True)
            if not isinstance(payload, dict):
                error_text = f"HTTP {status} without JSON"
                if status == 429:
                    raise SupplierRateLimited(f"CJ answered HTTP 429 on {path}", retry_after=_retry_after(response))
                if status >= 400:
                    raise SupplierRejected(f"CJ answered HTTP {status} on {path}", code=status)
                raise _transport_error(f"CJ answered without JSON on {path}", maybe_sent=True)
            if isinstance(payload.get("pointsInfo"), dict):
                self.points.correct(payload["pointsInfo"])
            if self._succeeded(payload):
                return payload.get("data")
            message = mapping.text(payload.get("message"))
            error_text = f"{cj_code} {message}"[:300]
            if status == 429 and cj_code not in ("1600200",):
                raise SupplierQuotaExhausted(
                    f"CJ {cj_code}: {message}",
                    code=cj_code or 429,
                    request_id=request_id,
                    retry_after=_retry_after(response),
                )
            error = error_for_code(payload.get("code"), message, request_id=request_id)
            if isinstance(error, SupplierRateLimited):
                error.retry_after = _retry_after(response)
            raise error
        finally:
            duration_ms = int((time.monotonic() - started) * 1000)
            ok = not error_text
            accounting.count_call(self.account.pk, path, ok=ok)
            accounting.write_call_log(
                self.account,
                method=method,
                endpoint=path,
                http_status=status,
                supplier_code=cj_code,
                request_id=request_id,
                duration_ms=duration_ms,
                points=accounting.points_for(path),
                ok=ok,
                error=error_text,
            )
            log = logger.debug if ok else logger.warning
            log(
                "CJ %s %s → HTTP %s code %s in %d ms requestId=%s%s",
                method,
                path,
                status,
                cj_code or "-",
                duration_ms,
                request_id or "-",
                f" error={error_text}" if error_text else "",
            )

    @staticmethod
    def _succeeded(payload: dict[str, Any]) -> bool:
        """`code == 200` (and `result` true), or the `{"success": true, "code": 0}` form."""
        code = payload.get("code")
        if code in (200, "200") and payload.get("result", True) is not False:
            return True
        return payload.get("success") is True and code in (0, "0")

    def _post_auth(self, path: str, body: dict[str, Any]) -> Any:
        """Token calls: no access token, no QPS slot (CJ limits them separately), retried like reads."""
        return self._with_retries(lambda: self._guarded(lambda: self._send("POST", path, body=body)), create=False)

    def _guarded(self, call: Callable[[], Any], *, create: bool = False) -> Any:
        """Run one attempt behind the circuit breaker, recording how CJ did."""
        self.circuit.before_call()
        try:
            result = call()
        except SupplierCircuitOpen:
            raise
        except SupplierUnavailable as exc:
            self.circuit.record_failure()
            if create and getattr(exc, "maybe_sent", True):
                raise SupplierOutcomeUnknown(
                    f"{exc} — the order may or may not exist at CJ; look it up before sending again",
                    code=exc.code,
                    request_id=exc.request_id,
                ) from exc
            raise
        except SupplierError:
            self.circuit.record_success()  # CJ answered: it is up, whatever it said
            raise
        self.circuit.record_success()
        return result

    def _retryable(self, create: bool) -> Callable[[BaseException], bool]:
        def retryable(exc: BaseException) -> bool:
            if isinstance(exc, SupplierQuotaExhausted | SupplierCircuitOpen | SupplierOutcomeUnknown):
                return False
            if isinstance(exc, SupplierRateLimited):
                # A long wait is the caller's to schedule (a task retry), not a worker blocked in sleep.
                return exc.retry_after is None or exc.retry_after <= self.max_wait
            if isinstance(exc, SupplierUnavailable):
                return not create or not getattr(exc, "maybe_sent", True)
            return False

        return retryable

    def _wait(self, state: RetryCallState) -> float:
        backoff = wait_exponential_jitter(multiplier=0.5, max=self.max_wait, jitter=0.5)(state)
        exc = state.outcome.exception() if state.outcome else None
        retry_after = getattr(exc, "retry_after", None)
        return min(max(backoff, retry_after or 0.0), max(self.max_wait, retry_after or 0.0))

    def _with_retries(self, attempt: Callable[[], Any], *, create: bool) -> Any:
        retrying = Retrying(
            stop=stop_after_attempt(self.max_attempts),
            wait=self._wait,
            retry=retry_if_exception(self._retryable(create)),
            sleep=self.sleep,
            reraise=True,
        )
        return retrying(attempt)

    def _call(self, method: str, path: str, *, params: Any = None, body: Any = None, create: bool = False) -> Any:
        """An authenticated call with limits, retries and one token renewal on 1600001."""

        def attempt() -> Any:
            purpose = current_purpose()
            cost = self.points.charge(path, purpose)  # refused here when the day's points are gone for it
            token = self.tokens.access_token()
            try:
                with self.limiter.slot():
                    return self._guarded(
                        lambda: self._send(method, path, params=params, body=body, token=token), create=create
                    )
            except SupplierQuotaExhausted as exc:
                self.points.note_exhausted(None, exc.retry_after)  # CJ's pointsInfo already corrected the count
                raise
            except (SupplierRateLimited, SupplierCircuitOpen):
                self.points.refund(cost, purpose)  # refused before CJ did the work
                raise
            except SupplierUnavailable as exc:
                if not getattr(exc, "maybe_sent", True):
                    self.points.refund(cost, purpose)
                raise
            except SupplierAuthError as exc:
                if str(exc.code) != str(TOKEN_INVALID):
                    raise
            # "token invalid": renew once (unless another worker already did) and retry once.
            token = self.tokens.renew(stale_token=token)
            with self.limiter.slot():
                return self._guarded(
                    lambda: self._send(method, path, params=params, body=body, token=token), create=create
                )

        try:
            return self._with_retries(attempt, create=create)
        except SupplierAuthError as exc:
            # Shown on the settings page: the merchant has to reconnect.
            message = f"CJ refused our credentials ({exc.code}); reconnect with a valid API key."
            SupplierAccount.objects.filter(pk=self.account.pk).update(last_error=message)
            raise

    # --- connection ------------------------------------------------------------------------------
    def connect(self) -> None:
        """Obtain a fresh token with the API key (validates the key); raises SupplierAuthError when refused."""
        self.account.save(update_fields=[*self.account.forget_tokens(), "updated_at"])
        self.tokens.renew(stale_token="", forced=True, adopt_shared=False)

    def get_settings(self) -> dict[str, Any]:
        return self._call("GET", "setting/get") or {}

    def register_webhooks(self, url: str, *, enable: bool = True) -> bool:
        setting = {"type": "ENABLE" if enable else "CANCEL", "callbackUrls": [url]}
        body = {topic: dict(setting) for topic in ("product", "stock", "order", "logistics")}
        return bool(self._call("POST", "webhook/set", body=body))

    def subscribe_products(self, product_ids: list[str]) -> tuple[list[str], list[str]]:
        """Subscribe products to PRODUCT/VARIANT/STOCK webhooks (≤ 100 per call): (succeeded, failed)."""
        succeeded: list[str] = []
        failed: list[str] = []
        for start in range(0, len(product_ids), 100):
            data = self._call(
                "POST", "webhook/product/subscribe", body={"productIds": product_ids[start : start + 100]}
            )
            data = data or {}
            succeeded += [mapping.text(p) for p in data.get("successProductIds") or []]
            failed += [mapping.text(p) for p in data.get("failProductIds") or []]
        return succeeded, failed

    def unsubscribe_products(self, product_ids: list[str]) -> list[str]:
        """Stop PRODUCT/VARIANT/STOCK webhooks for these products (≤ 100 per call): the ids CJ confirmed."""
        done: list[str] = []
        for start in range(0, len(product_ids), 100):
            batch = product_ids[start : start + 100]
            data = self._call("POST", "webhook/product/unsubscribe", body={"productIds": batch}) or {}
            done += [
                mapping.text(p) for p in (data.get("successProductIds") if isinstance(data, dict) else None) or batch
            ]
        return done

    def subscribed_products(self) -> list[str]:
        """The product ids CJ sends catalog messages for (`webhook/product/subscribe/list`)."""
        return mapping.subscribed_product_ids(self._call("GET", "webhook/product/subscribe/list") or [])

    # --- products ---------------------------------------------------------------------------------
    def search_products(
        self, keyword: str = "", *, category_id: str = "", page: int = 1, page_size: int = 20
    ) -> ProductPage:
        params: dict[str, Any] = {"page": max(1, min(page, 1000)), "size": max(1, min(page_size, 100))}
        if keyword:
            params["keyWord"] = keyword
        if category_id:
            params["categoryId"] = category_id
        return mapping.product_page(self._call("GET", "product/listV2", params=params) or {})

    def list_categories(self) -> list[CategoryNode]:
        return mapping.category_tree(self._call("GET", "product/getCategory") or [])

    def get_product(self, product_id: str) -> SupplierProduct:
        data = self._call("GET", "product/query", params={"pid": product_id, "features": "enable_inventory"})
        if not data:
            raise SupplierNotFound(f"CJ has no product {product_id}", code=1602001)
        return mapping.product(data)

    def get_product_stock(self, product_id: str) -> dict[str, StockLevel]:
        data = self._call("GET", "product/stock/getInventoryByPid", params={"pid": product_id})
        if data is None:
            raise SupplierNotFound(f"CJ has no stock answer for product {product_id}", code=1602001)
        return mapping.product_stock(data)

    def get_stock(self, variant_ids: list[str]) -> dict[str, StockLevel]:
        levels = {}
        for vid in dict.fromkeys(variant_ids):
            rows = self._call("GET", "product/stock/queryByVid", params={"vid": vid}) or []
            levels[vid] = mapping.variant_stock(vid, rows)
        return levels

    # --- freight ---------------------------------------------------------------------------------------
    def quote_shipping(
        self, lines: list[OrderLineRequest], *, to_country_code: str, from_country_code: str = "CN"
    ) -> list[ShippingQuote]:
        body = {
            "startCountryCode": from_country_code.upper(),
            "endCountryCode": to_country_code.upper(),
            "products": [{"vid": line.variant_id, "quantity": line.quantity} for line in lines],
        }
        return mapping.shipping_quotes(self._call("POST", "logistic/freightCalculate", body=body) or [])

    # --- orders -------------------------------------------------------------------------------------------
    def order_body(self, order: OrderRequest) -> dict[str, Any]:
        address = order.address
        body: dict[str, Any] = {
            "orderNumber": order.reference,
            "shippingCountryCode": address.country_code.upper(),
            "shippingCountry": country_name(address.country_code),
            "shippingProvince": address.province or address.city,
            "shippingCity": address.city,
            "shippingCustomerName": address.name,
            "shippingAddress": address.line1,
            "shippingAddress2": address.line2,
            "shippingZip": address.postal_code,
            "shippingPhone": address.phone,
            "email": address.email,
            "logisticName": order.shipping_method,
            "fromCountryCode": order.from_country_code.upper(),
            "payType": 2 if order.pay_from_balance else 3,
            "platform": "Api",
            "products": [
                {"vid": line.variant_id, "quantity": line.quantity, "storeLineItemId": line.line_reference}
                if line.line_reference
                else {"vid": line.variant_id, "quantity": line.quantity}
                for line in order.lines
            ],
        }
        optional = ("shippingAddress2", "shippingZip", "shippingPhone", "email")
        body = {key: value for key, value in body.items() if key not in optional or value}
        if self.sandbox_orders:
            body["isSandbox"] = 1  # must be the integer 1; anything else places a real order
        return body

    @property
    def sandbox_orders(self) -> bool:
        return bool(self.account.sandbox_orders or getattr(settings, "CJ_SANDBOX_ORDERS", False))

    def create_order(self, order: OrderRequest) -> SupplierOrder:
        try:
            data = self._call("POST", "shopping/order/createOrderV2", body=self.order_body(order), create=True)
        except SupplierRejected as exc:
            if str(exc.code) != str(ORDER_EXISTS):
                raise
            existing = self.find_order(order.reference)
            if existing is None:
                raise SupplierOutcomeUnknown(
                    f"CJ says order {order.reference} exists but cannot find it yet",
                    code=exc.code,
                    request_id=exc.request_id,
                ) from exc
            return existing
        if not isinstance(data, dict) or not data.get("orderId"):
            raise SupplierOutcomeUnknown(f"CJ accepted order {order.reference} without an orderId")
        return mapping.order(data, reference=order.reference)

    def find_order(self, reference: str) -> SupplierOrder | None:
        """getOrderDetail accepts our orderNumber as `orderId` (CJ_API.md §7.4)."""
        try:
            data = self._call("GET", "shopping/order/getOrderDetail", params={"orderId": reference})
        except SupplierNotFound:
            return None
        if not data:
            return None
        found = mapping.order(data, reference=reference)
        return found if found.reference in ("", reference) or reference == found.order_id else None

    def get_order(self, order_id: str) -> SupplierOrder:
        data = self._call("GET", "shopping/order/getOrderDetail", params={"orderId": order_id})
        if not data:
            raise SupplierNotFound(f"CJ has no order {order_id}", code=1603100)
        return mapping.order(data)

    def cancel_order(self, order_id: str) -> bool:
        try:
            self._call("DELETE", "shopping/order/deleteOrder", params={"orderId": order_id})
        except SupplierRejected as exc:
            if str(exc.code) != str(ORDER_DELETE_FAILED):
                raise
            return self.get_order(order_id).status == "CANCELLED"
        return True

    def confirm_order(self, order_id: str) -> SupplierOrder:
        """CREATED → UNPAID (CJ's confirmOrder: the id goes in the body and the query, CJ_API.md §7.5)."""
        self._call("PATCH", "shopping/order/confirmOrder", params={"orderId": order_id}, body={"orderId": order_id})
        return self.get_order(order_id)

    def pay_order(self, order_id: str) -> SupplierOrder:
        """Pay one confirmed order from the CJ balance (1604000: too little money → SupplierRejected)."""
        self._call("POST", "shopping/pay/payBalance", body={"orderId": order_id})
        return self.get_order(order_id)

    # --- tracking ------------------------------------------------------------------------------------------
    def get_tracking(self, tracking_numbers: list[str]) -> list[TrackingInfo]:
        numbers = [n for n in dict.fromkeys(tracking_numbers) if n]
        if not numbers:
            return []
        data = self._call("GET", "logistic/trackInfo", params=[("trackNumber", n) for n in numbers]) or []
        return [mapping.tracking_info(row) for row in data if isinstance(row, dict)]

    # --- webhooks -----------------------------------------------------------------------------------------
    def verify_webhook(self, raw_body: bytes, headers: dict[str, str]) -> bool:
        return webhooks.verify(raw_body, headers, self.account.open_id)

    def parse_webhook(self, raw_body: bytes) -> WebhookEvent:
        return webhooks.parse(raw_body)
