"""No double booking in the database itself, whatever writes the row.

The bookings that hold their slot (pending, confirmed, checked_in: bookings.models.HOLDING)
never overlap in one room; intervals are half-open, so back-to-back bookings are fine.
PostgreSQL: an exclusion constraint over tstzrange (btree_gist for the room's equality).
SQLite: triggers that abort an overlapping insert or update; julianday() compares the
stored text whatever its separator or offset, so even a hand-written INSERT is checked.
"""

from django.db import migrations

HOLDING = "('pending', 'confirmed', 'checked_in')"

PG_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    f"""ALTER TABLE bookings_booking ADD CONSTRAINT bookings_booking_no_overlap
        EXCLUDE USING gist (room_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
        WHERE (status IN {HOLDING})""",
]
PG_BACKWARD = ["ALTER TABLE bookings_booking DROP CONSTRAINT bookings_booking_no_overlap"]


def _sqlite_trigger(event: str, self_clause: str) -> str:
    return f"""CREATE TRIGGER bookings_booking_no_overlap_{event.split()[0].lower()}
        BEFORE {event} ON bookings_booking
        WHEN NEW.status IN {HOLDING} AND EXISTS (
            SELECT 1 FROM bookings_booking AS b
            WHERE b.room_id = NEW.room_id AND b.status IN {HOLDING} {self_clause}
              AND julianday(b.starts_at) < julianday(NEW.ends_at)
              AND julianday(NEW.starts_at) < julianday(b.ends_at))
        BEGIN SELECT RAISE(ABORT, 'bookings_booking_no_overlap'); END"""


SQLITE_FORWARD = [
    _sqlite_trigger("INSERT", ""),
    _sqlite_trigger("UPDATE OF room_id, starts_at, ends_at, status", "AND b.id <> NEW.id"),
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS bookings_booking_no_overlap_insert",
    "DROP TRIGGER IF EXISTS bookings_booking_no_overlap_update",
]


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": PG_FORWARD, "sqlite": SQLITE_FORWARD}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": PG_BACKWARD, "sqlite": SQLITE_BACKWARD}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
