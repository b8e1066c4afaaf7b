"""`roles.owner_connection` with one database URL: the connection is the owner, so owner work (migrations,
VACUUM, CREATE INDEX CONCURRENTLY) goes without the tenant settings prefix, which would make it a transaction."""

from __future__ import annotations

from django.db import connection

from nexusone.core.db import roles


def test_with_one_url_owner_work_sends_no_tenant_settings(settings):
    settings.DATABASE_OWNER_URL = ""
    assert connection.tenant_settings_enabled

    with roles.owner_connection() as switched:
        inside = connection.tenant_settings_enabled

    assert (switched, inside) == (False, False)
    assert connection.tenant_settings_enabled


def test_nested_owner_work_keeps_the_outer_blocks_owner_connection(settings):
    settings.DATABASE_OWNER_URL = ""

    with roles.owner_connection(), roles.owner_connection():
        pass
    with roles.owner_connection():
        with roles.owner_connection():
            pass
        still_owner = not connection.tenant_settings_enabled

    assert still_owner
    assert connection.tenant_settings_enabled
