"""A store with a customer's personal data spread over orders, logs, webhooks, notifications and audit rows."""

from __future__ import annotations

from decimal import Decimal

from nexusone.core.audit import record_event
from nexusone.notifications.actions import emit
from nexusone.suppliers.models import WebhookMessage
from orders.models import CommissionEntry, FulfillmentLog, Order, OrderLine, OrderStatusEvent, Shipment
from tests.factories import ProductFactory, VariantFactory

CUSTOMER = {
    "name": "Ada Lovelace",
    "email": "ada@example.org",
    "phone": "+44 20 7946 0958",
    "line1": "12 St James's Square",
    "city": "London",
    "postal_code": "SW1Y 4JH",
}


def make_order(
    merchant,
    reference: str = "#1001",
    *,
    email: str = CUSTOMER["email"],
    name: str = CUSTOMER["name"],
    phone: str = CUSTOMER["phone"],
    line1: str = CUSTOMER["line1"],
) -> Order:
    product = ProductFactory(merchant=merchant, name="Desk Lamp")
    variant = VariantFactory(product=product, merchant=merchant)
    address = {
        "name": name,
        "line1": line1,
        "line2": "",
        "city": CUSTOMER["city"],
        "province": "",
        "postal_code": CUSTOMER["postal_code"],
        "country_code": "GB",
        "phone": phone,
    }
    order = Order.objects.create(
        merchant=merchant,
        reference=reference,
        status="confirmed",
        customer_name=name,
        customer_email=email,
        customer_phone=phone,
        shipping_address=address,
        subtotal=Decimal("40.00"),
        shipping_cost=Decimal("5.00"),
        total_amount=Decimal("45.00"),
        external_order_id=f"CJ{reference[1:]}",
    )
    OrderLine.objects.create(
        merchant=merchant,
        order=order,
        product=product,
        variant=variant,
        product_name="Desk Lamp",
        external_variant_id="V1",
        quantity=2,
        unit_price=Decimal("20.00"),
        unit_cost=Decimal("8.00"),
    )
    OrderStatusEvent.objects.create(
        merchant=merchant, order=order, from_status="pending", to_status="confirmed", note=f"Confirmed for {email}"
    )
    Shipment.objects.create(merchant=merchant, order=order, tracking_number=f"YT{reference[1:]}", carrier="YunExpress")
    FulfillmentLog.objects.create(
        merchant=merchant,
        order=order,
        step="submit",
        message=f"Sent to CJ for {name} <{email}>",
        data={
            "request": {
                "shippingCustomerName": name,
                "email": email,
                "shippingPhone": phone,
                "shippingAddress": line1,
                "shippingZip": CUSTOMER["postal_code"],
            }
        },
    )
    CommissionEntry.objects.create(
        merchant=merchant,
        order=order,
        kind="sale",
        amount=Decimal("45.00"),
        client_share=Decimal("13.50"),
        platform_share=Decimal("31.50"),
        client_rate=Decimal("0.30"),
        platform_rate=Decimal("0.70"),
    )
    WebhookMessage.objects.create(
        merchant=merchant,
        message_id=f"msg-{reference}",
        topic="ORDER",
        payload={"orderId": order.external_order_id, "shippingCustomerName": name, "email": email},
        raw_body=f'{{"shippingCustomerName": "{name}", "email": "{email}"}}',
    )
    emit(
        merchant,
        "order.created",
        {"customer": {"name": name, "email": email}},
        title=f"New order {reference} from {name}",
        body=f"Customer: {email}",
    )
    record_event(
        "order.created", merchant=merchant, target=order, data={"customer_email": email, "reference": reference}
    )
    return order
