import logging

import pytest

from nexusone.core.audit import record_event
from nexusone.core.logging import RedactSecretsFilter
from nexusone.core.models import AuditEvent


@pytest.mark.django_db
def test_record_event_stores_actor_merchant_target_and_data(merchant, owner, rf):
    request = rf.post("/", REMOTE_ADDR="10.1.2.3")
    request.user = owner
    event = record_event("product.deleted", merchant=merchant, target=merchant, data={"n": 1}, request=request)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.actor, stored.merchant, stored.ip_address) == (owner, merchant, "10.1.2.3")
    assert stored.target_type == "accounts.Merchant"
    assert stored.data == {"n": 1}


def test_log_records_never_carry_secrets():
    record = logging.LogRecord(
        "x",
        logging.INFO,
        "",
        0,
        "login with apiKey=%s token %s",
        ("CJ1234567@api@0123456789abcdef0123456789abcdef", "CJ-Access-Token: abc123"),
        None,
    )
    RedactSecretsFilter().filter(record)
    message = record.getMessage()
    assert "0123456789abcdef" not in message
    assert "abc123" not in message
    assert "[REDACTED]" in message
