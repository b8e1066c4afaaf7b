"""Database roles for row-level security: who owns the tables, who the application is, who may bypass.

- the owner (`DATABASE_OWNER_URL`) creates the tables: `manage.py migrate` runs as it, then grants;
- the application role (`DATABASE_URL`: LOGIN, NOSUPERUSER, NOBYPASSRLS) reads and writes rows;
- `nexusone_bypass` (NOLOGIN, BYPASSRLS), of which the application role is a member, is what
  `tenancy.bypass()` switches to for a transaction.

`ensure_roles` creates the two roles when missing (needs CREATEROLE; BYPASSRLS needs a superuser) and
`grant_privileges` (re)grants on every table and sequence, and by default on those created later.
Both are idempotent.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import environ
from django.conf import settings
from django.db import connections
from psycopg import sql

CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT")


def owner_credentials() -> dict[str, str]:
    """USER/PASSWORD/HOST/PORT of DATABASE_OWNER_URL (empty without one)."""
    if not settings.DATABASE_OWNER_URL:
        return {}
    parsed = environ.Env.db_url_config(settings.DATABASE_OWNER_URL)
    return {key: parsed.get(key, "") for key in CREDENTIALS}


def _reconnect(alias: str, credentials: dict, *, owner: bool) -> None:
    connection = connections[alias]
    connection.close()
    if hasattr(connection, "close_pool"):
        connection.close_pool()  # the pool keeps the old role's connections
    connection.settings_dict.update(credentials)
    connection.settings_dict["OWNER_CONNECTION"] = owner


def become_owner(alias: str = "default") -> dict[str, str]:
    """Switch the alias to the owner's credentials; returns the application's, for `become_app`."""
    connection = connections[alias]
    app = {key: connection.settings_dict.get(key, "") for key in CREDENTIALS}
    _reconnect(alias, owner_credentials(), owner=True)
    return app


def become_app(credentials: dict, alias: str = "default") -> None:
    _reconnect(alias, credentials, owner=False)


@contextmanager
def owner_connection(alias: str = "default") -> Iterator[bool]:
    """Run the block as the owner when DATABASE_OWNER_URL is set (yields whether it switched). Without one, the
    one URL is the owner: the block's statements go without tenant settings all the same (a multi-statement
    query is one transaction, where `CREATE INDEX CONCURRENTLY` cannot run)."""
    if connections[alias].vendor != "postgresql":
        yield False
        return
    if not owner_credentials():
        settings_dict = connections[alias].settings_dict
        was = settings_dict.get("OWNER_CONNECTION", False)
        settings_dict["OWNER_CONNECTION"] = True
        try:
            yield False
        finally:
            settings_dict["OWNER_CONNECTION"] = was
        return
    app = become_owner(alias)
    try:
        yield True
    finally:
        become_app(app, alias)


def ensure_roles(cursor, app: str, bypass: str, password: str | None = None) -> None:
    """Create the bypass role and the application role when missing; make the app a member of bypass."""
    cursor.execute("SELECT rolname FROM pg_roles WHERE rolname IN (%s, %s)", [app, bypass])
    existing = {row[0] for row in cursor.fetchall()}
    if bypass not in existing:
        _run(cursor, sql.SQL("CREATE ROLE {} NOLOGIN BYPASSRLS").format(sql.Identifier(bypass)))
    if app not in existing:
        create = sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOBYPASSRLS").format(sql.Identifier(app))
        if password:
            create = sql.SQL("{} PASSWORD {}").format(create, sql.Literal(password))
        _run(cursor, create)
    _run(cursor, sql.SQL("GRANT {} TO {}").format(sql.Identifier(bypass), sql.Identifier(app)))


def _run(cursor, statement: sql.Composable) -> None:
    cursor.execute(statement.as_string(cursor.connection))


GRANTS = [
    "GRANT USAGE ON SCHEMA public TO {roles}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {roles}",
    "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {roles}",
    "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {roles}",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {roles}",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {roles}",
]


def grant_privileges(cursor, app: str, bypass: str) -> None:
    """Row privileges (never DDL) for both roles on every table and sequence, now and later, and the use of
    the project's functions (some are not PUBLIC: inventory_search_product_ids)."""
    roles = sql.SQL(", ").join([sql.Identifier(app), sql.Identifier(bypass)])
    for statement in GRANTS:
        _run(cursor, sql.SQL(statement).format(roles=roles))


def setup_roles(alias: str = "default", *, create: bool = True) -> str | None:
    """As the owner: create the roles (when `create`) and grant. Returns the application role (None when
    there is no DATABASE_OWNER_URL: one URL does everything, nothing to grant)."""
    connection = connections[alias]
    if not owner_credentials() or connection.vendor != "postgresql":
        return None
    app = str(connection.settings_dict["USER"])
    bypass = settings.DATABASE_BYPASS_ROLE
    password = connection.settings_dict.get("PASSWORD") or None
    with owner_connection(alias), connections[alias].cursor() as cursor:
        if create:
            ensure_roles(cursor, app, bypass, password)
        grant_privileges(cursor, app, bypass)
    return app


def grant_truncate_for_tests(alias: str = "default") -> None:
    """Test databases only: transactional tests flush (TRUNCATE) the tables between tests. Never in
    production: TRUNCATE ignores row-level security."""
    connection = connections[alias]
    app = str(connection.settings_dict["USER"])
    with owner_connection(alias), connections[alias].cursor() as cursor:
        _run(cursor, sql.SQL("GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO {}").format(sql.Identifier(app)))
