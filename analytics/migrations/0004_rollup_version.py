"""RollupVersion, and the PostgreSQL triggers that move it when the catalog the ranked parts show changes.

The summary caches its ranked parts (top products, category trends) under the store's version. Order figures
move it in Python (analytics.actions.rollups); the catalog is written from many places (edits, bulk actions,
the admin, a category's deletion setting its products' category to NULL, a store's deletion), so triggers
move it there: a product's name or category changed, a product deleted, a category renamed. On SQLite (the
demo) nothing is installed and the summary does not cache.
"""

import django.db.models.deletion
from django.db import migrations, models

from nexusone.core.migration_ops import EnableRowLevelSecurity

BUMP = "UPDATE analytics_rollupversion SET version = version + 1 WHERE merchant_id"

INSTALL = f"""
CREATE OR REPLACE FUNCTION analytics_bump_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {BUMP} = NEW.merchant_id;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION analytics_bump_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {BUMP} IN (SELECT DISTINCT merchant_id FROM gone);
    RETURN NULL;
END $$;

CREATE TRIGGER analytics_product_shown AFTER UPDATE OF name, category_id ON inventory_product FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.category_id IS DISTINCT FROM NEW.category_id)
    EXECUTE FUNCTION analytics_bump_row();

CREATE TRIGGER analytics_product_deleted AFTER DELETE ON inventory_product REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION analytics_bump_deleted();

CREATE TRIGGER analytics_category_renamed AFTER UPDATE OF name ON inventory_category FOR EACH ROW
    WHEN (OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION analytics_bump_row();
"""

UNINSTALL = """
DROP TRIGGER IF EXISTS analytics_product_shown ON inventory_product;
DROP TRIGGER IF EXISTS analytics_product_deleted ON inventory_product;
DROP TRIGGER IF EXISTS analytics_category_renamed ON inventory_category;
DROP FUNCTION IF EXISTS analytics_bump_row();
DROP FUNCTION IF EXISTS analytics_bump_deleted();
"""


def install_triggers(apps, schema_editor) -> None:  # noqa: ANN001
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL)


def remove_triggers(apps, schema_editor) -> None:  # noqa: ANN001
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNINSTALL)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_merchant_timezone_currency"),
        ("analytics", "0003_row_level_security"),
        ("inventory", "0007_product_freshness"),
    ]

    operations = [
        migrations.CreateModel(
            name="RollupVersion",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("version", models.BigIntegerField(default=0)),
                (
                    "merchant",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="accounts.merchant",
                    ),
                ),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("merchant",), name="rollup_version_unique")],
            },
        ),
        migrations.RunPython(install_triggers, remove_triggers),
        EnableRowLevelSecurity("RollupVersion"),
    ]
