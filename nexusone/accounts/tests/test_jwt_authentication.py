"""The API's JWT authentication: the user and their memberships in one query, simplejwt's checks kept."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import jwt_client
from nexusone.accounts.choices import Role
from tests.factories import MembershipFactory, MerchantFactory, NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _user_reads(queries) -> list[str]:
    return [q["sql"] for q in queries if 'FROM "accounts_user"' in q["sql"] or 'JOIN "accounts_user"' in q["sql"]]


def test_a_request_reads_the_user_with_its_memberships_in_one_query(owner, merchant):
    NotificationFactory(merchant=merchant, event="test.note", title="Hello")
    api = jwt_client(owner)

    with CaptureQueriesContext(connection) as ctx:
        response = api.get("/api/notifications")

    assert response.status_code == 200
    assert [n["title"] for n in response.json()["results"]] == ["Hello"]
    reads = _user_reads(ctx.captured_queries)
    assert len(reads) == 1
    assert "accounts_membership" in reads[0]
    assert len([q for q in ctx.captured_queries if '"accounts_membership"' in q["sql"]]) == 1


def test_the_merchant_header_chooses_among_the_users_memberships(owner, merchant):
    second = MerchantFactory()
    MembershipFactory(user=owner, merchant=second, role=Role.VIEWER)
    NotificationFactory(merchant=second, event="test.note", title="For the second store")
    api = jwt_client(owner)

    chosen = api.get("/api/notifications", HTTP_X_MERCHANT_ID=str(second.pk))
    default = api.get("/api/notifications")

    assert [n["title"] for n in chosen.json()["results"]] == ["For the second store"]
    assert default.json()["results"] == []  # the first membership (the owner's store) has none


def test_an_inactive_users_token_is_refused(owner):
    api = jwt_client(owner)
    owner.is_active = False
    owner.save(update_fields=["is_active"])

    response = api.get("/api/notifications")

    assert response.status_code == 401


def test_a_user_without_a_store_is_authenticated_but_not_a_member():
    response = jwt_client(UserFactory()).get("/api/notifications")

    assert response.status_code == 403


def test_a_token_for_a_deleted_user_is_refused(owner):
    api = jwt_client(owner)
    owner.delete()

    assert api.get("/api/notifications").status_code == 401


@pytest.mark.parametrize("spelling", [str.upper, lambda text: text.replace("-", "")])
def test_the_merchant_header_may_spell_the_id_in_any_uuid_form(owner, spelling):
    second = MerchantFactory()
    MembershipFactory(user=owner, merchant=second, role=Role.VIEWER)
    NotificationFactory(merchant=second, event="test.note", title="For the second store")

    response = jwt_client(owner).get("/api/notifications", HTTP_X_MERCHANT_ID=spelling(str(second.pk)))

    assert [n["title"] for n in response.json()["results"]] == ["For the second store"]


@pytest.mark.parametrize("header", ["not-a-uuid", "OTHER"])
def test_a_header_naming_a_store_the_user_is_not_in_acts_for_their_own(owner, merchant, other_merchant, header):
    NotificationFactory(merchant=merchant, event="test.note", title="Mine")
    NotificationFactory(merchant=other_merchant, event="test.note", title="Theirs")
    wanted = str(other_merchant.pk) if header == "OTHER" else header

    response = jwt_client(owner).get("/api/notifications", HTTP_X_MERCHANT_ID=wanted)

    assert [n["title"] for n in response.json()["results"]] == ["Mine"]


def test_an_inactive_user_gets_the_same_answer_with_or_without_a_store(owner):
    lone = UserFactory()
    answers = []
    for user in (owner, lone):
        api = jwt_client(user)
        user.is_active = False
        user.save(update_fields=["is_active"])
        answers.append(api.get("/api/notifications").json())

    assert answers[0] == answers[1]
    assert "user_inactive" in str(answers[0])


def test_a_session_request_with_a_malformed_merchant_header_acts_for_the_users_store(owner_client, merchant):
    NotificationFactory(merchant=merchant, event="test.note", title="Mine")

    response = owner_client.get("/api/notifications", HTTP_X_MERCHANT_ID="not-a-uuid")

    assert response.status_code == 200
    assert [n["title"] for n in response.json()["results"]] == ["Mine"]


def test_the_cheapest_authenticated_call_reads_the_store_in_at_most_two_queries(
    owner, merchant, django_assert_max_num_queries
):
    api = jwt_client(owner)

    # GET /api/merchant is the floor the benchmarks compare every other request with.
    with django_assert_max_num_queries(2):
        response = api.get("/api/merchant")

    assert response.status_code == 200
    assert response.json()["id"] == str(merchant.pk)
