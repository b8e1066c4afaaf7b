"""CJ's webhooks as the sandbox sends them: where each topic goes, signed messages, deliveries and retries."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

import requests

from .common import OPEN_ID

logger = logging.getLogger(__name__)


@dataclass
class Delivery:
    url: str
    topic: str
    message_id: str
    status: int | None
    error: str = ""
    attempt: int = 1


class WebhooksMixin:
    """SandboxState's webhook settings and deliveries; set by its reset() and `control/state`."""

    def callback_url(self, topic: str, product_id: str = "") -> str:
        with self.lock:
            if self.webhook_url_override:
                return self.webhook_url_override
            setting = self.webhooks.get(topic)
            if not setting or setting.get("type") != "ENABLE" or not setting.get("callbackUrls"):
                return ""
            if topic in ("product", "stock") and product_id not in self.subscribed:
                return ""  # CJ sends PRODUCT, VARIANT and STOCK only for subscribed products
            return setting["callbackUrls"][0]

    def push(self, topic: str, type_: str, message_type: str, params: dict[str, Any], product_id: str = "") -> None:
        url = self.callback_url(topic, product_id)
        if not url:
            return
        message = {
            "messageId": uuid.uuid4().hex,
            "type": type_,
            "messageType": message_type,
            "openId": OPEN_ID,
            "params": params,
        }
        body = json.dumps(message, separators=(",", ":")).encode()
        if self.deliver_synchronously:
            self._deliver(url, topic, message["messageId"], body)
        else:
            threading.Thread(target=self._deliver, args=(url, topic, message["messageId"], body), daemon=True).start()

    def _deliver(self, url: str, topic: str, message_id: str, body: bytes) -> None:
        """POST like CJ: answer 200 within 3 s, or the message is retried (up to `webhook_retries` more times)."""
        headers = {"Content-Type": "application/json", "sign": sign(body)}
        for attempt in range(1 + self.webhook_retries):
            if attempt:
                time.sleep(self.webhook_retry_delay)
            try:
                response = requests.post(url, data=body, headers=headers, timeout=3)
                delivery = Delivery(url, topic, message_id, response.status_code, attempt=attempt + 1)
            except requests.RequestException as exc:
                delivery = Delivery(url, topic, message_id, None, type(exc).__name__, attempt=attempt + 1)
                logger.info("sandbox webhook to %s failed: %s", url, type(exc).__name__)
            with self.lock:
                self.deliveries.append(delivery)
            if delivery.status == 200:
                return


def sign(body: bytes, open_id: int = OPEN_ID) -> str:
    """CJ's signature: Base64 of HMAC-SHA256 over the raw body, keyed by the openId's decimal string."""
    return base64.b64encode(hmac.new(str(open_id).encode(), body, hashlib.sha256).digest()).decode()
