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
