"""The webhook inbox hands each message to the app registered for its topic."""

import pytest

from nexusone.suppliers import inbox
from nexusone.suppliers.base import WebhookEvent
from nexusone.suppliers.choices import WebhookState
from nexusone.suppliers.models import SupplierAccount

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(monkeypatch):
    """A topic of this test's own; the registry is restored afterwards."""
    monkeypatch.setattr(inbox, "_handlers", dict(inbox._handlers))
    return "testtopic"


def event(topic: str) -> WebhookEvent:
    return WebhookEvent(message_id="m-1", topic=topic, action="UPDATE", payload={})


def test_a_topic_no_app_handles_is_ignored_and_says_so(merchant):
    assert inbox._apply_event(merchant, event("weather")) == (WebhookState.IGNORED, "Topic 'weather' is not handled.")


def test_the_handlers_note_is_the_messages_record(merchant, topic):
    inbox.register_topic_handler((topic,), lambda store, message: f"seen by {store.name}")

    assert inbox._apply_event(merchant, event(topic.upper())) == (WebhookState.PROCESSED, "seen by Acme Goods")


def test_a_handler_that_finds_nothing_to_do_marks_the_message_ignored_with_its_reason(merchant, topic):
    def nothing_to_do(store, message):
        raise inbox.MessageIgnored("No order #9.")

    inbox.register_topic_handler((topic,), nothing_to_do)

    assert inbox._apply_event(merchant, event(topic)) == (WebhookState.IGNORED, "No order #9.")


def test_catalog_news_reaches_every_store_on_the_same_cj_account(merchant, other_merchant, topic):
    SupplierAccount.objects.create(merchant=merchant, supplier="cj", api_key="k", open_id="284517903")
    SupplierAccount.objects.create(merchant=other_merchant, supplier="cj", api_key="k", open_id="284517903")
    inbox.forget_webhook_accounts()
    reached = []
    inbox.register_topic_handler((topic,), lambda store, message: reached.append(store.name), every_store=True)

    state, note = inbox._apply_event(merchant, event(topic))

    assert sorted(reached) == ["Acme Goods", "Other Store"]
    assert (state, note) == (WebhookState.PROCESSED, f"{topic} message applied for 2 store(s)")
