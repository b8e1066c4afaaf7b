import pytest
from django.urls import reverse

from conftest import jwt_client
from nexusone.core.audit import record_event
from nexusone.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail(merchant, other_merchant, owner, manager):
    record_event(
        "merchant.plan_changed", merchant=merchant, actor=owner, target=merchant, data={"from": "free", "to": "pro"}
    )
    record_event("invitation.sent", merchant=merchant, actor=owner, data={"email": "a@example.com"})
    record_event("invitation.revoked", merchant=merchant, actor=manager, data={"email": "a@example.com"})
    record_event("merchant.plan_changed", merchant=other_merchant, data={"from": "pro", "to": "free"})


def test_the_owner_reads_the_stores_audit_trail_through_the_api(api, trail, merchant, owner):
    AuditEvent.objects.filter(action="merchant.plan_changed", merchant=merchant).update(ip_address="203.0.113.9")
    body = api.get("/api/audit-events").json()
    assert set(body) >= {"next", "previous", "results"}
    assert [e["action"] for e in body["results"]] == ["invitation.revoked", "invitation.sent", "merchant.plan_changed"]
    plan = body["results"][-1]
    assert plan["actor"] == owner.email
    assert plan["target"] == {"type": "accounts.Merchant", "id": str(merchant.pk)}
    assert plan["ip"] == "203.0.113.9"
    assert plan["data"] == {"from": "free", "to": "pro"}
    assert {"id", "created_at"} <= set(plan)


def test_the_trail_filters_by_action_family_and_person(api, trail, manager):
    by_action = api.get("/api/audit-events", {"action": "invitation.sent"}).json()["results"]
    assert [e["action"] for e in by_action] == ["invitation.sent"]
    family = api.get("/api/audit-events", {"action": "invitation."}).json()["results"]
    assert len(family) == 2
    by_person = api.get("/api/audit-events", {"actor": manager.email.upper()}).json()["results"]
    assert [e["actor"] for e in by_person] == [manager.email]


def test_the_trail_pages_with_a_cursor(api, merchant, owner):
    for n in range(5):
        record_event("test.step", merchant=merchant, actor=owner, data={"n": n})
    first = api.get("/api/audit-events", {"page_size": 2}).json()
    second = api.get(first["next"]).json()
    seen = [e["data"]["n"] for e in first["results"] + second["results"]]
    assert seen == [4, 3, 2, 1]


@pytest.mark.parametrize("who", ["manager", "viewer"])
def test_only_owners_read_the_audit_trail(request, trail, who):
    response = jwt_client(request.getfixturevalue(who)).get("/api/audit-events")
    assert response.status_code == 403


def test_the_audit_page_lists_and_filters_the_stores_events(owner_client, trail, manager):
    page = owner_client.get(reverse("accounts:audit")).content.decode()
    assert page.count("<code>") == 3
    filtered = owner_client.get(reverse("accounts:audit"), {"actor": manager.email}).content.decode()
    assert filtered.count("<code>") == 1
    assert "invitation.revoked" in filtered


def test_a_viewer_cannot_open_the_audit_page(viewer_client, trail):
    assert viewer_client.get(reverse("accounts:audit")).status_code == 403


def test_the_audit_page_pages_with_a_cursor_keeping_the_filter(owner_client, merchant, owner):
    for n in range(30):
        record_event("test.step", merchant=merchant, actor=owner, data={"n": n})
    first = owner_client.get(reverse("accounts:audit"), {"action": "test.step"})
    next_link = first.context["page"].next_link
    assert "action=test.step" in next_link
    second = owner_client.get(next_link)
    assert len(first.context["page"]) + len(second.context["page"]) == 30
