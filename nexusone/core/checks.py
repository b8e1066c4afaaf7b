"""System checks for tenant tables."""

from __future__ import annotations

from contextvars import ContextVar

from django.apps import apps
from django.core import checks


def _leading_merchant(model) -> bool:
    """Whether an index or unique constraint over every row (not a partial one) starts with the merchant column."""
    meta = model._meta
    candidates = [tuple(index.fields) for index in meta.indexes if index.condition is None]
    candidates += [
        tuple(c.fields)
        for c in meta.constraints
        if getattr(c, "fields", None) and getattr(c, "condition", None) is None
    ]
    candidates += [tuple(fields) for fields in meta.unique_together]
    if meta.get_field("merchant").unique:
        return True
    return any(fields and fields[0].lstrip("-") in ("merchant", "merchant_id") for fields in candidates)


@checks.register(checks.Tags.models)
def tenant_tables_indexed_by_merchant(app_configs=None, models=None, **kwargs) -> list[checks.CheckMessage]:
    """MerchantOwned drops the plain merchant index: every tenant table must lead an index with merchant."""
    from .tenancy import MerchantOwned

    errors = []
    for model in models if models is not None else apps.get_models():
        if issubclass(model, MerchantOwned) and not model._meta.proxy and not _leading_merchant(model):
            errors.append(
                checks.Error(
                    f"{model._meta.label} has no index or unique constraint starting with 'merchant'.",
                    hint="Tenant queries filter by merchant first: add e.g. models.Index(fields=['merchant', ...]).",
                    obj=model,
                    id="nexusone.E001",
                )
            )
    return errors


def tenant_models() -> list:
    """Every concrete model whose table has a `merchant_id` column: the tables row-level security covers."""
    return [
        model
        for model in apps.get_models()
        if not model._meta.proxy
        and model._meta.managed
        and any(field.column == "merchant_id" for field in model._meta.concrete_fields)
    ]


RLS_STATE_SQL = """
SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
       EXISTS (SELECT 1 FROM pg_policies p WHERE p.schemaname = n.nspname AND p.tablename = c.relname
               AND p.policyname = 'tenant_isolation')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = current_schema() AND c.relname = ANY(%s)
"""


# `migrate` runs the database checks before it applies anything: the migration adding a policy must not be
# refused for the policy it is about to add (set by nexusone.core.management.commands.migrate).
MIGRATING: ContextVar[bool] = ContextVar("migrating", default=False)


@checks.register(checks.Tags.database)
def tenant_tables_have_policies(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    """On PostgreSQL every tenant table has row-level security enabled, forced, and the tenant policy."""
    from django.db import connections

    if MIGRATING.get():
        return []
    errors: list[checks.CheckMessage] = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        errors += _policy_errors(connection, tenant_models())
        errors += _role_warnings(connection)
    return errors


def _policy_errors(connection, models: list) -> list[checks.CheckMessage]:
    tables = {model._meta.db_table: model for model in models}
    with connection.cursor() as cursor:
        cursor.execute(RLS_STATE_SQL, [list(tables)])
        state = {name: (enabled and forced and policy) for name, enabled, forced, policy in cursor.fetchall()}
    return [
        checks.Error(
            f"Tenant table {table} has no row-level security policy (enabled, forced, 'tenant_isolation').",
            hint="Add nexusone.core.migration_ops.EnableRowLevelSecurity(model_name) to a migration.",
            obj=model,
            id="nexusone.E002",
        )
        for table, model in tables.items()
        if table in state and not state[table]
    ]


ROLE_SQL = """
SELECT r.rolsuper, r.rolbypassrls,
       EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relowner = r.oid)
FROM pg_roles r WHERE r.rolname = session_user
"""


def _role_warnings(connection) -> list[checks.CheckMessage]:
    """Row-level security is silently off for a superuser or a BYPASSRLS role, and weak for the owner."""
    with connection.cursor() as cursor:
        cursor.execute(ROLE_SQL)
        row = cursor.fetchone()
    if row is None:
        return []
    superuser, bypassrls, owner = row
    flags = ((superuser, "a superuser"), (bypassrls, "BYPASSRLS"), (owner, "the tables' owner"))
    reasons = [text for flag, text in flags if flag]
    if not reasons:
        return []
    return [
        checks.Warning(
            f"The application connects as {connection.settings_dict.get('USER')!r}, {' and '.join(reasons)}: "
            "row-level security does not confine it.",
            hint="Connect DATABASE_URL as the application role, set DATABASE_OWNER_URL (README, row-level security).",
            id="nexusone.W003",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def billing_takes_payment_in_production(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """`manage.py check --deploy`: with the manual provider an owner changes plan without paying (DESIGN §7)."""
    from django.conf import settings

    if settings.DEBUG or settings.BILLING_PROVIDER != "manual":
        return []
    return [
        checks.Warning(
            "BILLING_PROVIDER is 'manual' outside DEBUG: store owners can change plan without paying.",
            hint="Set BILLING_PROVIDER=stripe with STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET in production.",
            id="nexusone.W004",
        )
    ]
