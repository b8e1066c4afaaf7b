"""`inventory_refuse_reservation()`: raises SQLSTATE NX409, so a statement that inserted an order and then found
its stock taken by another order rolls back whole (inventory.stock.reserve_with). PostgreSQL only."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION inventory_refuse_reservation() RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'not enough sellable stock for the order' USING ERRCODE = 'NX409';
END
$$
"""
DROP = "DROP FUNCTION IF EXISTS inventory_refuse_reservation()"


def _on_postgresql(sql: str):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("inventory", "0010_inventorysettings_price_cycle")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
