"""Recreate the SQLite no-overlap triggers of 0002 after 0004.

On SQLite, 0004's conditional unique constraints make Django rebuild the bookings table
(create a copy, move the rows, drop the old one), and a table's triggers are dropped with
it: without this, a raw overlapping insert would no longer be refused. Any later
migration that rebuilds the table must end the same way;
tests/bookings/test_concurrency.py checks the triggers are present after all migrations.
PostgreSQL's exclusion constraint survives ALTER TABLE and needs nothing.
"""

import importlib

from django.db import migrations

no_overlap = importlib.import_module("bookings.migrations.0002_no_overlap")


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in [*no_overlap.SQLITE_BACKWARD, *no_overlap.SQLITE_FORWARD]:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0004_ledger_key")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
