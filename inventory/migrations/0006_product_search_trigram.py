"""Trigram indexes for the product list's `search` (a substring match: LIKE '%term%').

PostgreSQL only: pg_trgm (a trusted extension, shipped with PostgreSQL) and GIN indexes on the very
expressions Django's icontains compares, UPPER(column::text). Built CONCURRENTLY, so a live catalog
keeps taking writes while they build; on SQLite (the demo) nothing happens.
"""

from django.db import migrations

INDEXES = {
    "product_name_trgm": ("inventory_product", "name"),
    "product_sku_trgm": ("inventory_product", "sku"),
    "variant_sku_trgm": ("inventory_variant", "sku"),
}


def create_trigram_indexes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop_trigram_indexes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{name}"')


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [("inventory", "0005_product_list_indexes")]

    operations = [migrations.RunPython(create_trigram_indexes, drop_trigram_indexes)]
