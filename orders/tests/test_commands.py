import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def test_cj_webhooks_set_registers_every_topic_at_cj(cj_sandbox, cj_sandbox_account, capsys):
    call_command("cj_webhooks", "--set", "https://shop.example.com/api/webhooks/cj")

    topics = cj_sandbox.state.webhooks
    assert set(topics) >= {"product", "stock", "order", "logistics"}
    assert topics["order"] == {"type": "ENABLE", "callbackUrls": ["https://shop.example.com/api/webhooks/cj"]}
    assert "now sends webhooks" in capsys.readouterr().out


def test_cj_webhooks_cancel_turns_the_topics_off(cj_sandbox, cj_sandbox_account):
    call_command("cj_webhooks", "--set", "https://shop.example.com/api/webhooks/cj")
    call_command("cj_webhooks", "--cancel", "https://shop.example.com/api/webhooks/cj")

    assert cj_sandbox.state.webhooks["logistics"]["type"] == "CANCEL"


def test_cj_webhooks_wants_a_url(cj_sandbox_account):
    with pytest.raises(CommandError, match="not a URL"):
        call_command("cj_webhooks", "--set", "shop.example.com")


def test_cj_webhooks_needs_a_connected_account(db):
    with pytest.raises(CommandError, match="No connected CJ account"):
        call_command("cj_webhooks", "--set", "https://shop.example.com/api/webhooks/cj")


def test_the_settings_page_registers_our_webhook_url_with_cj(owner_client, cj_sandbox, cj_sandbox_account, settings):
    settings.SITE_URL = "https://shop.example.com"

    response = owner_client.post("/orders/settings/", {"register_webhooks": "1"}, follow=True)

    assert b"CJ now sends" in response.content
    assert cj_sandbox.state.webhooks["order"]["callbackUrls"] == ["https://shop.example.com/api/webhooks/cj"]


def test_cj_webhooks_records_each_change_in_the_audit_trail(cj_sandbox, cj_sandbox_account):
    from nexusone.core.models import AuditEvent

    call_command("cj_webhooks", "--set", "https://shop.example.com/api/webhooks/cj")
    call_command("cj_webhooks", "--cancel", "https://shop.example.com/api/webhooks/cj")

    events = AuditEvent.objects.filter(merchant=cj_sandbox_account.merchant).order_by("created_at")
    assert [(e.action, e.data["url"]) for e in events if e.action.startswith("orders.webhooks")] == [
        ("orders.webhooks_registered", "https://shop.example.com/api/webhooks/cj"),
        ("orders.webhooks_cancelled", "https://shop.example.com/api/webhooks/cj"),
    ]
