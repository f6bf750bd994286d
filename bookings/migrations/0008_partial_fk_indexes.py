"""A booking's group, series, decided_by and paid_recorded_by are empty on most rows:
index them only where set (partial indexes), so a booking's insert does not add an
empty entry to each of four indexes. A look-up by one of them (``col = x``) implies
``col IS NOT NULL`` and uses the partial index on both databases.

The full indexes are dropped by name, as in 0007 (AlterField would rebuild the table on
SQLite)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

FULL = {
    "group": "bookings_booking_group_id_a32e0813",
    "series": "bookings_booking_series_id_5807db19",
    "decided_by": "bookings_booking_decided_by_id_0a794ee8",
    "paid_recorded_by": "bookings_booking_paid_recorded_by_id_19c4484c",
}


def _drop(field: str, index: str) -> migrations.RunSQL:
    return migrations.RunSQL(
        f'DROP INDEX "{index}"',  # by the name 0001 gave it: a wrong name fails here
        reverse_sql=f'CREATE INDEX "{index}" ON "bookings_booking" ("{field}_id")',
    )


def _field(to, related_name: str, **extra) -> models.ForeignKey:
    return models.ForeignKey(
        db_index=False,
        null=True,
        on_delete=django.db.models.deletion.SET_NULL,
        related_name=related_name,
        to=to,
        **extra,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0007_booking_indexes"),
        ("scenes", "0004_event_feed_stamp_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # The new indexes first, the old ones dropped last (as in 0007): on PostgreSQL a drop
    # locks the table until the migration commits, and the builds should not wait
    # behind it.
    operations = [
        *(
            migrations.AddIndex(
                model_name="booking",
                index=models.Index(
                    condition=models.Q((f"{field}__isnull", False)),
                    fields=[field],
                    name=f"bookings_{field}_set",
                ),
            )
            for field in FULL
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[_drop(field, index) for field, index in FULL.items()],
            state_operations=[
                migrations.AlterField(
                    model_name="booking",
                    name="group",
                    field=_field("scenes.group", "+", blank=True),
                ),
                migrations.AlterField(
                    model_name="booking",
                    name="series",
                    field=_field("bookings.bookingseries", "bookings", blank=True),
                ),
                migrations.AlterField(
                    model_name="booking",
                    name="decided_by",
                    field=_field(settings.AUTH_USER_MODEL, "+"),
                ),
                migrations.AlterField(
                    model_name="booking",
                    name="paid_recorded_by",
                    field=_field(settings.AUTH_USER_MODEL, "+"),
                ),
            ],
        ),
    ]
