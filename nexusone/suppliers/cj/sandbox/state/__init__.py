"""The sandbox's in-memory state: catalog, tokens, orders, faults, webhooks. Thread-safe.

One process-wide `STATE`; `STATE.reset()` restores the seeded catalog. Payload builders spell
every field exactly as CJ does (CJ_API.md). `SandboxState` is assembled from one part per
subsystem, each in its own module:

tokens.py           access and refresh tokens (signed, revocable)
limits.py           injected faults, the QPS window, call counters, the daily points budget
products.py         catalog payloads (listV2 items, variants, inventory rows)
catalog_changes.py  stock, price and on-sale changes, the seeded `tick`
orders.py           orders along CJ's status flow, order payloads, paying takes stock
logistics.py        freight options, tracking events
webhooks.py         where each topic goes, signed deliveries with retries, `sign`
common.py           the openId, CJ's date and money formats, country names
"""

from __future__ import annotations

import random
import threading
from typing import Any

from django.conf import settings

from ..catalog import PRODUCT_COUNT, SEED, SandboxVariant, build_catalog
from ..qps import ArrivalWindow
from .catalog_changes import CatalogChangesMixin
from .common import COUNTRY_NAMES, OPEN_ID, cj_date, money, now_utc
from .limits import FAULT_KINDS, Fault, LimitsMixin
from .logistics import LOGISTICS, TRACK_STEPS, LogisticsMixin
from .orders import ORDER_FLOW, OrdersMixin, SandboxOrder
from .products import ProductsMixin
from .tokens import ACCESS_LIFETIME, CHINA, REFRESH_LIFETIME, TokensMixin
from .webhooks import Delivery, WebhooksMixin, sign

__all__ = [
    "ACCESS_LIFETIME",
    "CHINA",
    "COUNTRY_NAMES",
    "FAULT_KINDS",
    "LOGISTICS",
    "OPEN_ID",
    "ORDER_FLOW",
    "REFRESH_LIFETIME",
    "STATE",
    "TRACK_STEPS",
    "Delivery",
    "Fault",
    "SandboxOrder",
    "SandboxState",
    "cj_date",
    "money",
    "now_utc",
    "sign",
]


class SandboxState(
    TokensMixin,
    LimitsMixin,
    ProductsMixin,
    CatalogChangesMixin,
    OrdersMixin,
    LogisticsMixin,
    WebhooksMixin,
):
    def __init__(self, product_count: int = PRODUCT_COUNT) -> None:
        self.lock = threading.RLock()
        self.product_count = product_count
        self.arrivals = ArrivalWindow()  # the sandbox has one account (one API key): one window of its calls
        self.reset()

    # --- set-up -------------------------------------------------------------------------
    def reset(self) -> None:
        with self.lock:
            self.products, self.categories = build_catalog(count=self.product_count)
            self.variants: dict[str, SandboxVariant] = {v.vid: v for p in self.products.values() for v in p.variants}
            # A reset starts a new token generation; the first life of the process is generation 0.
            self.token_generation: int = getattr(self, "token_generation", -1) + 1
            self.revoked_tokens: set[str] = set()
            self.orders: dict[str, SandboxOrder] = {}
            self.faults: list[Fault] = []
            self.qps: float = 0.0  # 0: not enforced
            self.arrivals.clear()
            self.token_call_interval: float = 0.0  # seconds between getAccessToken calls; 0: not enforced
            self.last_token_call: float | None = None
            self.daily_points: int = 0  # 0: unlimited
            self.points_used = 0
            self.points_day = now_utc().date()  # points_used counts this UTC day (CJ resets at 00:00 UTC)
            self.webhooks: dict[str, dict[str, Any]] = {}  # topic -> {"type", "callbackUrls"}
            # Push every topic here, subscribed or not (control/state, or the setting for the in-process demo).
            self.webhook_url_override: str = getattr(settings, "CJ_SANDBOX_WEBHOOK_URL", "")
            self.subscribed: set[str] = set()
            self.subscription_cap = 10_000  # CJ's cap at level 5 (level 1: 1,000)
            self.deliveries: list[Delivery] = []
            self.deliver_synchronously = False
            self.webhook_retries = 0  # CJ retries a failed delivery up to 3 times, 5 minutes apart
            self.webhook_retry_delay = 300.0
            self.stats = {"calls": 0, "rate_limited": 0, "by_path": {}}
            self._order_seq = 0
            self.rng = random.Random(SEED + 1)  # noqa: S311 - repeatable catalog movements, not a secret


STATE = SandboxState()
