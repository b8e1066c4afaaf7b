"""Row-level security as the application role, with raw SQL: every tenant table, pooled connections, the
per-statement prefix, the system check, the audited bypass and the task declarations.

Tenant tables come from the models (`core.checks.tenant_models`), never from a hand-written list."""

from __future__ import annotations

import datetime
import decimal
import logging
import uuid

import psycopg
import pytest
from django.core import checks
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from psycopg import sql

from nexusone.core import tenancy
from nexusone.core.checks import tenant_models, tenant_tables_have_policies
from nexusone.core.models import AuditEvent
from tests.factories import MerchantFactory, ProductFactory

TENANT_MODELS = tenant_models()
TABLES = [model._meta.db_table for model in TENANT_MODELS]


def _require_rls() -> None:
    """These tests mean the application role on PostgreSQL: fail loudly otherwise, never skip."""
    assert connection.vendor == "postgresql", "row-level security tests need PostgreSQL"
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = session_user")
        superuser, bypassrls = cursor.fetchone()
    assert not superuser, "set DATABASE_OWNER_URL: tests must run as the application role"
    assert not bypassrls, "the application role must not have BYPASSRLS"


def _dummy(field, merchant_id: uuid.UUID) -> object:
    """A value the column accepts (foreign keys are checked at commit, which a test transaction never does)."""
    if field.column == "merchant_id":
        return merchant_id
    if field.is_relation:
        return _dummy(field.target_field, merchant_id)
    if field.choices:
        return field.choices[0][0]
    kind = field.get_internal_type()
    values = {
        "UUIDField": lambda: uuid.uuid4(),
        "BooleanField": lambda: False,
        "DecimalField": lambda: decimal.Decimal("0"),
        "FloatField": lambda: 0.0,
        "DateTimeField": timezone.now,
        "DateField": datetime.date.today,
        "DurationField": lambda: datetime.timedelta(0),
        "JSONField": dict,
        "GenericIPAddressField": lambda: "127.0.0.1",
        "BinaryField": lambda: b"",
    }
    if kind in values:
        return values[kind]()
    if "Integer" in kind or kind in ("AutoField", "BigAutoField", "SmallAutoField"):
        return 1 if not field.primary_key else uuid.uuid4().int % 2_000_000_000
    return uuid.uuid4().hex[: field.max_length or 32]


def _insert_row(model, merchant_id: uuid.UUID) -> None:
    """One row of this table for the merchant, by raw SQL (no model logic)."""
    fields = [f for f in model._meta.concrete_fields]
    columns = sql.SQL(", ").join(sql.Identifier(f.column) for f in fields)
    values = [f.get_db_prep_save(_dummy(f, merchant_id), connection) for f in fields]
    statement = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
        sql.Identifier(model._meta.db_table), columns, sql.SQL(", ").join(sql.Placeholder() * len(fields))
    )
    with connection.cursor() as cursor:
        cursor.execute(statement.as_string(cursor.connection), values)


def _merchant_ids(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("SELECT merchant_id FROM {}").format(sql.Identifier(table)).as_string(cursor.connection))
        return [str(row[0]) for row in cursor.fetchall()]


@pytest.fixture
def two_stores(db):
    """A row for store A and one for store B in every tenant table (written in the test's bypass)."""
    _require_rls()
    a, b = MerchantFactory(), MerchantFactory()
    for model in TENANT_MODELS:
        _insert_row(model, a.pk)
        _insert_row(model, b.pk)
    yield a, b
    _delete_rows(a, b)


def _delete_rows(*merchants) -> None:
    """The dummy rows point nowhere: gone before the test's deferred foreign keys are checked."""
    ids = [merchant.pk for merchant in merchants]
    with tenancy.bypass("test: removing the dummy rows"), connection.cursor() as cursor:
        for table in TABLES:
            statement = sql.SQL("DELETE FROM {} WHERE merchant_id = ANY(%s)").format(sql.Identifier(table))
            cursor.execute(statement.as_string(cursor.connection), [ids])


def test_every_tenant_table_is_covered_and_a_new_one_would_be():
    assert len(TABLES) >= 40
    for table in ("inventory_product", "inventory_variant", "orders_orderline", "imports_importitem"):
        assert table in TABLES
    assert "accounts_merchant" not in TABLES  # the tenant registry itself (see the README)


def test_without_the_setting_no_tenant_row_is_visible(two_stores):
    with tenancy.nobody():
        visible = {table: _merchant_ids(table) for table in TABLES}
    assert visible == {table: [] for table in TABLES}


def test_with_a_merchant_only_that_merchants_rows_are_visible(two_stores):
    a, b = two_stores
    with tenancy.merchant_context(b):
        visible = {table: _merchant_ids(table) for table in TABLES}
    assert visible == {table: [str(b.pk)] for table in TABLES}
    with tenancy.merchant_id_context(a.pk):
        visible = {table: _merchant_ids(table) for table in TABLES}
    assert visible == {table: [str(a.pk)] for table in TABLES}


def test_the_bypass_sees_both_stores(two_stores):
    a, b = two_stores
    with tenancy.bypass("test: reading every store"):
        for table in TABLES:
            assert sorted(_merchant_ids(table)) == sorted([str(a.pk), str(b.pk)]), table


@pytest.mark.parametrize("model", TENANT_MODELS, ids=[m._meta.label for m in TENANT_MODELS])
def test_another_merchants_row_is_refused_on_insert(db, model):
    _require_rls()
    a, b = MerchantFactory(), MerchantFactory()
    with tenancy.merchant_context(a):
        with pytest.raises(DatabaseError, match="row-level security"), transaction.atomic():
            _insert_row(model, b.pk)
        with transaction.atomic():
            _insert_row(model, a.pk)  # the store's own row is accepted
    with tenancy.merchant_context(b), connection.cursor() as cursor:
        table = sql.Identifier(model._meta.db_table)
        # and a row cannot be moved to another store
        cursor.execute(sql.SQL("UPDATE {} SET merchant_id = merchant_id").format(table).as_string(cursor.connection))
        assert cursor.rowcount == 0
    _delete_rows(a, b)


def test_members_find_their_own_memberships_before_a_store_is_chosen(db, owner, other_owner, merchant):
    _require_rls()
    with tenancy.nobody(), tenancy.user_context(owner.pk), connection.cursor() as cursor:
        cursor.execute("SELECT user_id, merchant_id FROM accounts_membership")
        assert cursor.fetchall() == [(owner.pk, merchant.pk)]


def _fail_mid_transaction() -> None:
    with transaction.atomic():
        _product_names()
        raise ZeroDivisionError


def _product_names() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM inventory_product ORDER BY name")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_a_pooled_connection_used_by_a_then_b_never_shows_a_rows_to_b():
    _require_rls()
    a, b = MerchantFactory(), MerchantFactory()
    ProductFactory(merchant=a, name="A's lamp")
    ProductFactory(merchant=b, name="B's chair")
    with tenancy.merchant_context(a):
        assert _product_names() == ["A's lamp"]
        with pytest.raises(ZeroDivisionError):
            _fail_mid_transaction()
        with transaction.atomic():
            assert _product_names() == ["A's lamp"]
    connection.close()  # back to the pool: the next borrower may get the same server connection
    with tenancy.merchant_context(b):
        assert _product_names() == ["B's chair"]
        with transaction.atomic():
            assert _product_names() == ["B's chair"]
    with tenancy.nobody():
        assert _product_names() == []
    # On the raw server connection after A's transactions, a statement without any setting sees nothing.
    raw = connection.connection
    assert raw.execute("SELECT count(*) FROM inventory_product").fetchone() == (0,)


@pytest.mark.django_db(transaction=True)
def test_a_raw_connection_as_the_application_role_sees_nothing_without_the_setting():
    _require_rls()
    a = MerchantFactory()
    ProductFactory(merchant=a)
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as raw:
        assert raw.execute("SELECT count(*) FROM inventory_product").fetchone() == (0,)
        with raw.transaction():
            raw.execute("SELECT set_config('app.merchant_id', %s, true)", [str(a.pk)])
            assert raw.execute("SELECT count(*) FROM inventory_product").fetchone() == (1,)
        # after a transaction-local set the setting reads '' (not NULL): NULLIF keeps it at no rows
        assert raw.execute("SELECT count(*) FROM inventory_product").fetchone() == (0,)


@pytest.mark.django_db(transaction=True)
def test_the_autocommit_prefix_keeps_the_original_statements_result_and_rowcount():
    _require_rls()
    a = MerchantFactory()
    ProductFactory(merchant=a, name="one")
    ProductFactory(merchant=a, name="two")
    ProductFactory(merchant=MerchantFactory(), name="other")
    with tenancy.merchant_context(a), connection.cursor() as cursor:
        assert connection.get_autocommit()
        cursor.execute("SELECT name FROM inventory_product WHERE name <> %s ORDER BY name", ["x"])
        assert cursor.fetchall() == [("one",), ("two",)]
        assert [column.name for column in cursor.description] == ["name"]
        cursor.execute("UPDATE inventory_product SET name = name || '!'")
        assert cursor.rowcount == 2
        cursor.execute("SELECT current_setting('app.merchant_id', true)")
        assert cursor.fetchone() == (str(a.pk),)
    with connection.cursor() as cursor:  # nothing left on the session for the next statement
        cursor.execute("SELECT current_setting('app.merchant_id', true)")
        assert cursor.fetchone() == ("",)


def test_statements_in_a_transaction_send_the_settings_once_per_context(db, merchant, other_merchant):
    sent: list[str] = []

    def spy(execute, sql_text, params, many, context):
        sent.append(sql_text)
        return execute(sql_text, params, many, context)

    with connection.execute_wrapper(spy), transaction.atomic():
        with tenancy.merchant_context(merchant):
            _product_names()
            _product_names()
        with tenancy.merchant_context(other_merchant):
            _product_names()
    reads = [text for text in sent if "inventory_product" in text]
    assert len(reads) == 3
    assert [("set_config('app.merchant_id'" in text) for text in reads] == [True, False, True]


def test_executemany_carries_the_tenant(db, merchant):
    _require_rls()
    product = ProductFactory(merchant=merchant)
    with tenancy.merchant_context(merchant), connection.cursor() as cursor:
        cursor.executemany("UPDATE inventory_product SET name = %s WHERE id = %s", [("renamed", product.pk)])
    with tenancy.bypass("test: reading back"):
        product.refresh_from_db()
    assert product.name == "renamed"


def test_the_system_check_fails_for_a_tenant_table_without_its_policy(db):
    """Every tenant table passes; a table without the policy (here the users table, read as if it were a
    tenant table) is reported."""
    _require_rls()
    from nexusone.accounts.models import User
    from nexusone.core.checks import _policy_errors

    assert tenant_tables_have_policies(databases=["default"]) == []
    errors = _policy_errors(connection, [*TENANT_MODELS, User])
    assert [(e.id, e.obj) for e in errors if isinstance(e, checks.Error)] == [("nexusone.E002", User)]


def test_the_bypass_is_logged_and_can_be_audited(db, owner, caplog):
    with caplog.at_level(logging.INFO, logger="nexusone.tenancy"), tenancy.bypass("staff fix", actor=owner, audit=True):
        pass
    assert any("staff fix" in record.getMessage() and owner.email in record.getMessage() for record in caplog.records)
    event = AuditEvent.objects.get(action="tenancy.bypass")
    assert (event.actor, event.data) == (owner, {"reason": "staff fix"})
    with pytest.raises(ValueError), tenancy.bypass(""):
        pass


def test_every_celery_task_declares_how_it_runs():
    from nexusone.celery import app

    app.loader.import_default_modules()
    ours = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert len(ours) >= 20
    undeclared = sorted(name for name, task in ours.items() if tenancy.task_declaration(task) is None)
    assert undeclared == []


def test_a_task_without_a_declaration_is_caught():
    from celery import Celery

    other = Celery("probe", set_as_current=False)  # never the app the shared tasks resolve to

    @other.task(name="probe.undeclared")
    def undeclared() -> None:
        return None

    @other.task(name="probe.declared")
    @tenancy.runs_in_bypass("probe")
    def declared() -> None:
        return None

    assert tenancy.task_declaration(undeclared) is None
    assert tenancy.task_declaration(declared) == "bypass"


def test_a_task_for_a_merchant_sees_only_that_merchants_rows(db, merchant, other_merchant):
    ProductFactory(merchant=merchant, name="mine")
    ProductFactory(merchant=other_merchant, name="theirs")

    @tenancy.runs_for_merchant(merchant_arg="merchant_id")
    def names(merchant_id: str) -> list[str]:
        return _product_names()

    assert names(str(merchant.pk)) == ["mine"]
    assert names(merchant_id=str(other_merchant.pk)) == ["theirs"]


def test_a_bypass_task_sees_every_store_and_a_task_for_nobody_sees_none(db, merchant, other_merchant, caplog):
    ProductFactory(merchant=merchant, name="mine")
    ProductFactory(merchant=other_merchant, name="theirs")

    @tenancy.runs_in_bypass("probe sweep")
    def sweep() -> list[str]:
        return _product_names()

    @tenancy.runs_for_nobody()
    def heartbeat() -> list[str]:
        return _product_names()

    with caplog.at_level(logging.INFO, logger="nexusone.tenancy"):
        assert sweep() == ["mine", "theirs"]
    assert "tenancy bypass: task sweep: probe sweep" in caplog.text
    assert heartbeat() == []
    assert (tenancy.task_declaration(sweep), tenancy.task_declaration(heartbeat)) == ("bypass", "nobody")


def test_staff_in_the_admin_see_every_store_and_each_write_is_audited(admin_client, merchant, other_merchant):
    ProductFactory(merchant=merchant, name="Desk Lamp")
    tag = ProductFactory(merchant=other_merchant, name="Chair")
    listing = admin_client.get("/admin/inventory/product/").content.decode()
    assert "Desk Lamp" in listing
    assert "Chair" in listing
    assert not AuditEvent.objects.filter(action="tenancy.bypass").exists()  # reading is logged, not audited
    admin_client.post(f"/admin/inventory/product/{tag.pk}/delete/", {"post": "yes"})
    event = AuditEvent.objects.get(action="tenancy.bypass")
    assert event.actor.is_staff
    assert event.data["reason"].startswith("staff in the Django admin: POST /admin/inventory/product/")


def test_a_visitor_of_the_admin_who_is_not_staff_gets_no_bypass(client, owner, merchant):
    ProductFactory(merchant=merchant, name="Desk Lamp")
    client.force_login(owner)
    response = client.get("/admin/inventory/product/")
    assert response.status_code == 302  # to the admin login: no staff, no bypass
    assert not AuditEvent.objects.filter(action="tenancy.bypass").exists()


def test_every_project_command_that_touches_rows_declares_its_tenancy():
    from django.core.management import get_commands, load_command_class

    from nexusone.core.management.tenant import TenantCommand

    # no tenant rows: the CJ sandbox server, the extension packer, and the owner's own commands
    without_rows = {"cj_sandbox", "build_extension", "migrate", "db_roles"}
    ours = {name: app for name, app in get_commands().items() if not app.startswith(("django", "rest_framework"))}
    ours = {name: app for name, app in ours.items() if app not in ("auditlog", "django_celery_beat", "drf_spectacular")}
    undeclared = sorted(
        name
        for name, app in ours.items()
        if name not in without_rows and not isinstance(load_command_class(app, name), TenantCommand)
    )
    assert len(ours) >= 10
    assert undeclared == []


def test_a_command_with_merchant_runs_for_that_store_only(db, merchant, other_merchant):
    from io import StringIO

    from django.core.management import call_command

    ProductFactory(merchant=merchant, name="mine")
    ProductFactory(merchant=other_merchant, name="theirs")
    out = StringIO()
    call_command("rebuild_analytics", merchant=str(merchant.pk), stdout=out)
    assert AuditEvent.objects.filter(action="tenancy.bypass").count() == 0
    call_command("rebuild_analytics", stdout=out)
    assert AuditEvent.objects.get(action="tenancy.bypass").data["reason"].startswith("manage.py rebuild_analytics")


def test_the_database_checks_pass_as_the_application_role(db):
    from django.core.management import call_command

    _require_rls()
    call_command("check", databases=["default"], fail_level="WARNING")
