"""PostgreSQL connection policy: Django's connection pool (psycopg-pool), safe to share between requests.

Imported by settings, so nothing here may touch Django's app registry.

- Every process keeps a small pool; a request borrows a connection and gives it back at its end
  (`CONN_MAX_AGE=0`), so no request pays for starting a PostgreSQL backend.
- A connection given back is reset (`RESET ALL`, session advisory locks released) before anyone
  else borrows it: a `SET` or `set_config(..., false)` made during one request never reaches the
  next. Per-request settings (the tenant for row-level security, say) belong in the transaction:
  `SET LOCAL` / `set_config(name, value, true)`.
- The server is asked for `timezone=UTC` in the startup packet, so it reports UTC and Django
  skips the `SET TIME ZONE` round trip it would otherwise make on every new connection.
- Behind PgBouncer in transaction mode (`DB_PGBOUNCER=true`) no startup options, no server-side
  cursors and no prepared statements are used: each transaction may run on another server
  connection. See the README.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

POSTGRESQL_ENGINE = "django.db.backends.postgresql"
# Django's backend plus the tenant setting on every statement (row-level security): what settings use.
TENANT_ENGINE = "nexusone.core.db.postgresql"
POSTGRESQL_ENGINES = {POSTGRESQL_ENGINE, TENANT_ENGINE}
TIMEZONE_OPTION = "-c timezone=UTC"
# Run on every connection given back to the pool (in the pool's worker thread, not the request's).
RESET_SESSION_SQL = "RESET ALL; SELECT pg_advisory_unlock_all()"


@dataclass(frozen=True)
class ConnectionPolicy:
    pool: bool = True
    min_size: int = 1
    max_size: int = 4
    timeout: float = 10.0
    pgbouncer: bool = False


def reset_session_state(connection: Any) -> None:
    """psycopg-pool's `reset` callback: forget whatever the last borrower set on the session."""
    connection.execute(RESET_SESSION_SQL)


def configure_postgresql(database: dict, policy: ConnectionPolicy) -> dict:
    """Apply the policy to one `DATABASES` entry (in place, returned for convenience)."""
    if database.get("ENGINE") not in POSTGRESQL_ENGINES:
        return database
    database["ENGINE"] = TENANT_ENGINE
    # A `DECLARE ... CURSOR` cannot carry the tenant prefix (core/db/postgresql): iterators fetch client-side.
    database["DISABLE_SERVER_SIDE_CURSORS"] = True
    options = database.setdefault("OPTIONS", {})
    if policy.pgbouncer:
        # Transaction pooling hands each transaction any server connection: nothing may outlive one.
        options["prepare_threshold"] = None
    else:
        startup = options.get("options", "")
        if "timezone" not in startup:
            options["options"] = f"{startup} {TIMEZONE_OPTION}".strip()
    if policy.pool:
        database["CONN_MAX_AGE"] = 0  # Django's pool refuses persistent connections
        options["pool"] = {
            "min_size": policy.min_size,
            "max_size": policy.max_size,
            "timeout": policy.timeout,
            "reset": reset_session_state,
        }
    return database
