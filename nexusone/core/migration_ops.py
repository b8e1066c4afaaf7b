"""Migration helpers."""

from __future__ import annotations

from django.db import migrations


def drop_field_index(
    alter: migrations.AlterField, *, table: str, column: str, index: str
) -> migrations.SeparateDatabaseAndState:
    """A foreign key's `db_index=False` that drops only that field's own index, in place.

    Django's AlterField would drop and re-create the foreign key constraint (a check of every row under
    an exclusive lock) and drop every other index on the column with it (a partial unique index such as
    the sync lock's)."""
    return migrations.SeparateDatabaseAndState(
        state_operations=[alter],
        database_operations=[
            migrations.RunSQL(
                f'DROP INDEX IF EXISTS "{index}"', reverse_sql=f'CREATE INDEX "{index}" ON "{table}" ("{column}")'
            )
        ],
    )


TENANT_POLICY = "tenant_isolation"
MEMBER_POLICY = "own_memberships"
NULL_INSERT_POLICY = "insert_without_merchant"
TENANT_SETTING = "NULLIF(current_setting('app.merchant_id', true), '')::uuid"
USER_SETTING = "NULLIF(current_setting('app.user_id', true), '')::bigint"


class EnableRowLevelSecurity(migrations.operations.base.Operation):
    """Row-level security on a tenant table (PostgreSQL; nothing on SQLite): ENABLE and FORCE, and the
    policy admitting only the rows of `app.merchant_id` (read and write).

    `user_column`: also let `app.user_id` read its own rows (memberships before a merchant is chosen).
    `insert_without_merchant`: rows with no merchant may be written from any context, read only in bypass
    (system audit events, webhook messages before their store is known)."""

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str, user_column: str = "", insert_without_merchant: bool = False) -> None:
        self.model_name = model_name
        self.user_column = user_column
        self.insert_without_merchant = insert_without_merchant

    def deconstruct(self):
        kwargs = {"model_name": self.model_name}
        if self.user_column:
            kwargs["user_column"] = self.user_column
        if self.insert_without_merchant:
            kwargs["insert_without_merchant"] = True
        return self.__class__.__qualname__, [], kwargs

    def state_forwards(self, app_label, state) -> None:
        pass

    def describe(self) -> str:
        return f"Enable row-level security on {self.model_name}"

    @property
    def migration_name_fragment(self) -> str:
        return f"rls_{self.model_name.lower()}"

    def _table(self, app_label, state) -> str:
        return state.apps.get_model(app_label, self.model_name)._meta.db_table

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in self.forward_sql(schema_editor.quote_name(self._table(app_label, to_state))):
            schema_editor.execute(statement)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        table = schema_editor.quote_name(self._table(app_label, from_state))
        for name in (TENANT_POLICY, MEMBER_POLICY, NULL_INSERT_POLICY):
            schema_editor.execute(f"DROP POLICY IF EXISTS {name} ON {table}")
        schema_editor.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        schema_editor.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")

    def forward_sql(self, table: str) -> list[str]:
        statements = [
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
            f"DROP POLICY IF EXISTS {TENANT_POLICY} ON {table}",
            f"CREATE POLICY {TENANT_POLICY} ON {table} USING (merchant_id = {TENANT_SETTING}) "
            f"WITH CHECK (merchant_id = {TENANT_SETTING})",
        ]
        if self.user_column:
            statements += [
                f"DROP POLICY IF EXISTS {MEMBER_POLICY} ON {table}",
                f'CREATE POLICY {MEMBER_POLICY} ON {table} FOR SELECT USING ("{self.user_column}" = {USER_SETTING})',
            ]
        if self.insert_without_merchant:
            statements += [
                f"DROP POLICY IF EXISTS {NULL_INSERT_POLICY} ON {table}",
                f"CREATE POLICY {NULL_INSERT_POLICY} ON {table} FOR INSERT WITH CHECK (merchant_id IS NULL)",
            ]
        return statements
