"""Rows of several models inserted in one statement: a round trip for what would be one INSERT per table.

On PostgreSQL the INSERTs ride in one statement as a writable CTE each (`WITH a AS (INSERT …), b AS (INSERT …)
INSERT …`): every row is written or none, foreign keys between them are checked once the statement (or, for
Django's deferred constraints, the transaction) ends, and a unique violation is the usual IntegrityError.
Each model's INSERT is the one Django's own compiler builds for `bulk_create` (defaults, `auto_now_add`,
field preparation), so the rows read back as bulk_create leaves them. Other databases get one bulk_create
per model. Like bulk_create, no `save()` runs and no signals are sent: use it for models without either.
`insert_statements` gives the same INSERTs to a caller that writes its own statement around them.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, router
from django.db.models import Model
from django.db.models.sql import InsertQuery


def insert_together(*groups: Sequence[Model], using: str | None = None) -> None:
    """Insert every group of rows (each one model's rows, primary keys already set) in one statement."""
    groups = tuple(group for group in groups if group)
    if not groups:
        return
    using = using or router.db_for_write(type(groups[0][0]))
    connection = connections[using]
    if connection.vendor != "postgresql":
        for group in groups:
            type(group[0]).objects.using(using).bulk_create(group)
        return
    statements, params = insert_statements(*groups, using=using)
    *first, last = statements
    with_clause = ", ".join(f"i{n} AS ({sql})" for n, sql in enumerate(first))
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {with_clause} {last}" if first else last, params)
    saved(*groups, using=using)


def insert_statements(*groups: Sequence[Model], using: str) -> tuple[list[str], list]:
    """Each group's INSERT (PostgreSQL), in order, and their parameters in the same order; call `saved` once the
    statement that carries them has run."""
    statements, params = [], []
    for group in (group for group in groups if group):
        sql, group_params = _insert_sql(group, using)
        statements.append(sql)
        params.extend(group_params)
    return statements, params


def saved(*groups: Sequence[Model], using: str) -> None:
    """Mark inserted rows as saved, as bulk_create leaves them."""
    for group in groups:
        for row in group:
            row._state.adding, row._state.db = False, using


def _insert_sql(rows: Sequence[Model], using: str) -> tuple[str, list]:
    """One model's bulk INSERT as Django's compiler writes it (one statement, no RETURNING)."""
    model = type(rows[0])
    meta = model._meta
    for row in rows:
        if type(row) is not model or row.pk is None:
            raise ValueError(f"insert_together: one model per group, primary keys set ({meta.label}).")
        row._prepare_related_fields_for_save(operation_name="insert_together")
    fields = [field for field in meta.concrete_fields if not field.generated]
    query = InsertQuery(model)
    query.insert_values(fields, rows)
    ((sql, params),) = query.get_compiler(using=using).as_sql()
    return sql, list(params)
