"""Django's PostgreSQL backend, with the tenant of `nexusone.core.tenancy` riding on every statement.

Row-level security policies read `app.merchant_id` (and `app.user_id` for one's own memberships); the
bypass role `nexusone_bypass` sees every row. All three are set transaction-locally
(`set_config(name, value, true)`), so nothing outlives the transaction: safe with Django's pool and with
PgBouncer in transaction mode.

- Autocommit: the settings prefix the statement in the same query string (`SELECT set_config(...);
  <statement>`). PostgreSQL runs a multi-statement simple query as one implicit transaction, so the
  settings cover exactly that statement; the cursor then moves to the statement's own result
  (`nextset()`), so fetches and rowcount are the original's. Django's psycopg cursors bind parameters
  client-side (`ClientCursor`), which uses the simple query protocol, where several statements are allowed.
- In a transaction (an atomic block): the first statement carries the settings, and any statement after
  the context changed; a commit, rollback, savepoint rollback or autocommit switch forgets them.
- `executemany` cannot take a prefix: in a transaction the settings go first as their own statement; in
  autocommit the call runs in `transaction.atomic()` with them.
- Server-side cursors (`DECLARE`) cannot take one either: settings set DISABLE_SERVER_SIDE_CURSORS.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.backends.postgresql import base
from psycopg import sql

if TYPE_CHECKING:
    from nexusone.core import tenancy

NONE_ROLE = "none"  # `SET ROLE NONE`: back to the role that logged in


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tenant_scope_sent: tenancy.Scope | None = None
        self._tenant_prefixes: dict[tenancy.Scope, str] = {}
        self.execute_wrappers.insert(0, carry_tenant)

    @property
    def tenant_settings_enabled(self) -> bool:
        """False for the owner's connection (migrations, `db_roles`): row-level security is not its business."""
        return not self.settings_dict.get("OWNER_CONNECTION", False)

    def tenant_prefix(self, scope: tenancy.Scope) -> str:
        """`SELECT set_config(...)` for this scope, values quoted by psycopg (kept per scope)."""
        prefix = self._tenant_prefixes.get(scope)
        if prefix is None:
            if len(self._tenant_prefixes) > 256:
                self._tenant_prefixes.clear()
            prefix = self._tenant_prefixes[scope] = self._build_prefix(scope)
        return prefix

    def _build_prefix(self, scope: tenancy.Scope) -> str:
        role = self.settings_dict.get("BYPASS_ROLE") or ""
        pairs = [("app.merchant_id", scope.merchant_id), ("app.user_id", scope.user_id)]
        if role:
            pairs.append(("role", role if scope.bypass else NONE_ROLE))
        calls = sql.SQL(", ").join(
            sql.SQL("set_config({}, {}, true)").format(sql.Literal(name), sql.Literal(value)) for name, value in pairs
        )
        return sql.SQL("SELECT {}").format(calls).as_string(self.connection)

    def forget_tenant(self) -> None:
        self.tenant_scope_sent = None

    def _commit(self) -> None:
        self.forget_tenant()
        super()._commit()

    def _rollback(self) -> None:
        self.forget_tenant()
        super()._rollback()

    def _savepoint_rollback(self, sid: str) -> None:
        super()._savepoint_rollback(sid)
        self.forget_tenant()  # settings sent inside the savepoint are undone with it

    def _set_autocommit(self, autocommit: bool) -> None:
        self.forget_tenant()
        super()._set_autocommit(autocommit)

    def _close(self) -> None:
        self.forget_tenant()
        super()._close()


def carry_tenant(execute, sql_text: str, params: Any, many: bool, context: dict) -> Any:
    """The execute wrapper: see the module docstring."""
    connection: DatabaseWrapper = context["connection"]
    if not connection.tenant_settings_enabled or sql_text.startswith("ROLLBACK"):
        # (a rollback to a savepoint runs in an aborted transaction, where nothing else may run)
        return execute(sql_text, params, many, context)
    scope = _scope()
    in_transaction = not connection.get_autocommit()
    if in_transaction and connection.tenant_scope_sent == scope:
        return execute(sql_text, params, many, context)
    prefix = connection.tenant_prefix(scope)
    if many:
        return _execute_many(connection, prefix, scope, execute, sql_text, params, context)
    result = execute(f"{prefix}; {sql_text}", params, many, context)
    context["cursor"].cursor.nextset()  # the original statement's result: fetch and rowcount are its own
    if in_transaction:
        connection.tenant_scope_sent = scope
    return result


def _scope() -> tenancy.Scope:
    # Imported when first used: tenancy defines a model, and the backend loads before the models do.
    from nexusone.core.tenancy import scope

    return scope()


def _execute_many(connection, prefix: str, scope, execute, sql_text: str, params: Any, context: dict) -> Any:
    raw = context["cursor"].cursor
    if not connection.get_autocommit():
        raw.execute(prefix)
        connection.tenant_scope_sent = scope
        return execute(sql_text, params, True, context)
    with transaction.atomic(using=connection.alias):
        raw.execute(prefix)
        connection.tenant_scope_sent = scope
        return execute(sql_text, params, True, context)
