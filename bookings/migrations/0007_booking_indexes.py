"""A booking's indexes, for what every insert writes and the active-booking limit reads:

- (resident, checkin_closes_at): a resident's bookings still holding their slot;
- no single-column index on venue, room or resident: composite indexes lead with them;
- group, series, decided_by and paid_recorded_by indexed only where set (partial): most
  bookings have none of them, and each full index took an empty entry from every insert.
  A look-up by one of them (``col = x``) implies ``col IS NOT NULL`` and uses it.

The new indexes are built first and the old ones dropped last: on PostgreSQL a drop locks
the table until the migration commits. The old ones are dropped by the names 0001 gave
them on both databases (a wrong name fails), not by AlterField(db_index=False), which on
SQLite rebuilds the whole table and with it the no-overlap triggers (migration 0005)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# field: (its index from 0001, the model it refers to, its related_name, blank)
FULL = {
    "venue": ("bookings_booking_venue_id_413b23e3", "spaces.venue", "bookings", False),
    "room": ("bookings_booking_room_id_6f0fa517", "spaces.room", "bookings", False),
    "resident": ("bookings_booking_resident_id_892e6c46", settings.AUTH_USER_MODEL, "bookings", True),
    "group": ("bookings_booking_group_id_a32e0813", "scenes.group", "+", True),
    "series": ("bookings_booking_series_id_5807db19", "bookings.bookingseries", "bookings", True),
    "decided_by": ("bookings_booking_decided_by_id_0a794ee8", settings.AUTH_USER_MODEL, "+", False),
    "paid_recorded_by": (
        "bookings_booking_paid_recorded_by_id_19c4484c",
        settings.AUTH_USER_MODEL,
        "+",
        False,
    ),
}
PARTIAL = ("group", "series", "decided_by", "paid_recorded_by")
CASCADE = {"venue", "room"}  # the others are SET_NULL and nullable


def _drop(field: str) -> migrations.RunSQL:
    index = FULL[field][0]
    return migrations.RunSQL(
        f'DROP INDEX "{index}"',
        reverse_sql=f'CREATE INDEX "{index}" ON "bookings_booking" ("{field}_id")',
    )


def _unindexed(field: str) -> migrations.AlterField:
    _index, to, related_name, blank = FULL[field]
    if field in CASCADE:
        extra = {"on_delete": django.db.models.deletion.CASCADE}
    else:
        extra = {"on_delete": django.db.models.deletion.SET_NULL, "null": True}
    if blank:
        extra["blank"] = True
    return migrations.AlterField(
        model_name="booking",
        name=field,
        field=models.ForeignKey(db_index=False, related_name=related_name, to=to, **extra),
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
        *(
            migrations.AddIndex(
                model_name="booking",
                index=models.Index(
                    condition=models.Q((f"{field}__isnull", False)),
                    fields=[field],
                    name=f"bookings_{field}_set",
                ),
            )
            for field in PARTIAL
        ),
        migrations.SeparateDatabaseAndState(
            database_operations=[_drop(field) for field in FULL],
            state_operations=[_unindexed(field) for field in FULL],
        ),
    ]
