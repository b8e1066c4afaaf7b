"""CategoryWindow: each category's revenue over the preset windows, kept by triggers.

Statement triggers on analytics_productwindow add the revenue of the rows a statement inserted, updated or
deleted to their product's category (one upsert per statement, whatever its rows); a row trigger on
inventory_product moves a product's window revenue when its category changes (a bulk change or a deleted
category setting it to NULL included). On SQLite (the demo) nothing is installed.
"""

from decimal import Decimal

import django.db.models.deletion
from django.db import migrations, models

from nexusone.core.migration_ops import EnableRowLevelSecurity

UPSERT = """
    INSERT INTO analytics_categorywindow (merchant_id, category_id, days, revenue)
    SELECT w.merchant_id, p.category_id, w.days, SUM({sign} w.revenue)
    FROM {rows} w JOIN inventory_product p ON p.id = w.product_id
    GROUP BY w.merchant_id, p.category_id, w.days
    ON CONFLICT (merchant_id, category_id, days) DO UPDATE SET
        revenue = analytics_categorywindow.revenue + EXCLUDED.revenue;
"""

MOVE = """
    INSERT INTO analytics_categorywindow (merchant_id, category_id, days, revenue)
    SELECT w.merchant_id, moved.category_id, w.days, SUM(moved.sign * w.revenue)
    FROM analytics_productwindow w
    CROSS JOIN (VALUES (OLD.category_id, -1), (NEW.category_id, 1)) AS moved(category_id, sign)
    WHERE w.merchant_id = NEW.merchant_id AND w.product_id = NEW.id
    GROUP BY w.merchant_id, moved.category_id, w.days
    ON CONFLICT (merchant_id, category_id, days) DO UPDATE SET
        revenue = analytics_categorywindow.revenue + EXCLUDED.revenue;
"""

INSTALL = f"""
CREATE OR REPLACE FUNCTION analytics_category_window_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {UPSERT.format(sign="", rows="new_rows")}
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION analytics_category_window_subtract() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {UPSERT.format(sign="-", rows="old_rows")}
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION analytics_category_window_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {MOVE}
    RETURN NULL;
END $$;

CREATE TRIGGER analytics_category_window_inserted AFTER INSERT ON analytics_productwindow
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION analytics_category_window_add();
CREATE TRIGGER analytics_category_window_updated_new AFTER UPDATE ON analytics_productwindow
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION analytics_category_window_add();
CREATE TRIGGER analytics_category_window_updated_old AFTER UPDATE ON analytics_productwindow
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION analytics_category_window_subtract();
CREATE TRIGGER analytics_category_window_deleted AFTER DELETE ON analytics_productwindow
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION analytics_category_window_subtract();

CREATE TRIGGER analytics_category_window_moved AFTER UPDATE OF category_id ON inventory_product FOR EACH ROW
    WHEN (OLD.category_id IS DISTINCT FROM NEW.category_id)
    EXECUTE FUNCTION analytics_category_window_move();
"""

UNINSTALL = """
DROP TRIGGER IF EXISTS analytics_category_window_inserted ON analytics_productwindow;
DROP TRIGGER IF EXISTS analytics_category_window_updated_new ON analytics_productwindow;
DROP TRIGGER IF EXISTS analytics_category_window_updated_old ON analytics_productwindow;
DROP TRIGGER IF EXISTS analytics_category_window_deleted ON analytics_productwindow;
DROP TRIGGER IF EXISTS analytics_category_window_moved ON inventory_product;
DROP FUNCTION IF EXISTS analytics_category_window_add();
DROP FUNCTION IF EXISTS analytics_category_window_subtract();
DROP FUNCTION IF EXISTS analytics_category_window_move();
"""


def install_triggers(apps, schema_editor) -> None:  # noqa: ANN001
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL)


def remove_triggers(apps, schema_editor) -> None:  # noqa: ANN001
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNINSTALL)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0010_row_level_security'),
        ('analytics', '0005_product_windows'),
    ]

    operations = [
        migrations.CreateModel(
            name='CategoryWindow',
            fields=[
                ('id', models.BigAutoField(primary_key=True, serialize=False)),
                ('category_id', models.UUIDField(blank=True, null=True)),
                ('days', models.PositiveSmallIntegerField()),
                ('revenue', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                ('merchant', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='accounts.merchant')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('merchant', 'category_id', 'days'), name='category_window_unique', nulls_distinct=False)],
            },
        ),
        migrations.RunPython(install_triggers, remove_triggers),
        EnableRowLevelSecurity("CategoryWindow"),
    ]
