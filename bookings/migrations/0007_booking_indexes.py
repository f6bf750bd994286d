"""A booking's indexes: (resident, checkin_closes_at) for the active-booking limit, and
no single-column index on venue, room or resident, which the composite indexes lead
with (one index fewer to update per insert, each).

The single-column indexes are dropped by name rather than by AlterField(db_index=False):
on SQLite AlterField rebuilds the whole table (and with it the no-overlap triggers,
migration 0005). Their names are the ones Django gave them in 0001 on both databases."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

SINGLE = {
    "venue": "bookings_booking_venue_id_413b23e3",
    "room": "bookings_booking_room_id_6f0fa517",
    "resident": "bookings_booking_resident_id_892e6c46",
}


def _drop(field: str, index: str) -> migrations.RunSQL:
    return migrations.RunSQL(
        f'DROP INDEX "{index}"',  # by the name 0001 gave it: a wrong name fails here
        reverse_sql=f'CREATE INDEX "{index}" ON "bookings_booking" ("{field}_id")',
    )


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0006_checkin_covering_visit_indexes"),
        ("scenes", "0004_event_feed_stamp_index"),
        ("spaces", "0005_venue_schedule_changed_at"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="booking",
            index=models.Index(
                fields=["resident", "checkin_closes_at"], name="bookings_resident_open"
            ),
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[_drop(field, index) for field, index in SINGLE.items()],
            state_operations=[
                migrations.AlterField(
                    model_name="booking",
                    name="venue",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="bookings",
                        to="spaces.venue",
                    ),
                ),
                migrations.AlterField(
                    model_name="booking",
                    name="room",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="bookings",
                        to="spaces.room",
                    ),
                ),
                migrations.AlterField(
                    model_name="booking",
                    name="resident",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="bookings",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        ),
    ]
