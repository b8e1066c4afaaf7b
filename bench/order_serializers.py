"""The order API's serializer cost per request, without the database: validating a create body and rendering an
order with one line (what POST /api/order-fulfillment create spends in DRF). Prints milliseconds per call, the
median and the best of 7 runs of 300 calls. No goal of its own: bench/orders.py holds the order path's goal."""

from __future__ import annotations

import statistics
import time
import uuid

import _setup  # noqa: F401 - Django settings and sys.path

RUNS, CALLS = 7, 300


def main() -> None:
    import django

    django.setup()
    from orders.api.serializers import CreateSerializer, OrderSerializer

    body = {
        "action": "create",
        "reference": "#1",
        "customer": {"name": "Load Test", "email": "load@example.com"},
        "shipping_address": {"line1": "1 Main St", "city": "Springfield", "country_code": "US"},
        "items": [{"product_id": str(uuid.uuid4()), "variant_id": str(uuid.uuid4()), "quantity": 1}],
    }
    order = _order(body["shipping_address"])

    def validate() -> None:
        serializer = CreateSerializer(data=body)
        if not serializer.is_valid():
            raise SystemExit(f"body refused: {serializer.errors}")

    def render() -> None:
        OrderSerializer(order).data  # noqa: B018 - rendering is the work measured

    for name, job in (("validate a create body", validate), ("render a created order", render)):
        job()
        runs = [_ms_per_call(job) for _ in range(RUNS)]
        print(f"{name}: median {statistics.median(runs):.3f} ms, best {min(runs):.3f} ms per call")


def _order(address: dict):
    """An order as create_order hands it to the view: its line in hand, no shipments, no query left to run."""
    from orders.models import Order, OrderLine

    order = Order(reference="#1", customer_name="Load Test", customer_email="load@example.com", currency="USD")
    order.shipping_address, order.subtotal, order.total_amount, order.shipping_cost = address, 10, 10, 0
    line = OrderLine(order=order, quantity=1, unit_price=10, sku="V1", product_name="Bench Box", variant_name="V1")
    lines, shipments = order.lines.all(), order.shipments.none()
    lines._result_cache, lines._prefetch_done = [line], True
    order._prefetched_objects_cache = {"lines": lines, "shipments": shipments}
    order._state.fields_cache["submission"] = None
    return order


def _ms_per_call(job) -> float:
    started = time.perf_counter()
    for _ in range(CALLS):
        job()
    return (time.perf_counter() - started) / CALLS * 1000


if __name__ == "__main__":
    main()
