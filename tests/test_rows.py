"""linli.rows: instances read by hand-written SQL equal the ORM's, value for value."""

from __future__ import annotations

import pytest

from accounts.models import ApiToken, User
from accounts.tokens import api_token_create
from linli.rows import Columns, one
from spaces.models import Room, Venue
from spaces.selectors import room_with_venue
from tests.factories import ResidentFactory, RoomFactory, build_booking

pytestmark = pytest.mark.django_db


def values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


@pytest.mark.parametrize("model", [Room, Venue, User, ApiToken])
def test_an_instance_is_the_orms(model):
    room = RoomFactory(amenities=["投影仪", "茶具"], is_bookable=False)
    user = ResidentFactory()
    api_token_create(user=user, name="集成")
    obj = model.objects.order_by("-pk").first()
    columns = Columns(model, "t")
    row = one(
        f"SELECT {columns.sql()} FROM {columns.table()} WHERE {columns.col('id')} = %s",
        [obj.pk],
    )
    read = columns.instance(row)
    assert type(read) is model and not read._state.adding
    assert values(read) == values(model.objects.get(pk=obj.pk))
    assert room.amenities == ["投影仪", "茶具"]


def test_room_with_venue_reads_both(room, venue):
    read = room_with_venue(room_id=room.pk)
    assert values(read) == values(Room.objects.get(pk=room.pk))
    assert values(read.venue) == values(Venue.objects.get(pk=venue.pk))


def test_insert_writes_the_row_save_writes(room):
    import datetime as dt

    from bookings.models import Booking
    from linli.rows import insert

    def booking(code: str) -> Booking:
        starts = dt.datetime(2026, 12, 2, 2, tzinfo=dt.UTC) + dt.timedelta(hours=int(code))
        return build_booking(room, starts, resident=ResidentFactory(), code=code)

    saved, inserted = booking("1"), booking("2")
    saved.save()
    insert(inserted)
    assert inserted.pk and not inserted._state.adding and inserted.created_at
    ignore = {"id", "public_id", "resident_id", "visitor", "starts_at", "ends_at"}
    ignore |= {"checkin_opens_at", "checkin_closes_at", "cancel_deadline", "code", "created_at"}
    first, second = (values(Booking.objects.get(pk=b.pk)) for b in (saved, inserted))
    assert {k: v for k, v in first.items() if k not in ignore} == {
        k: v for k, v in second.items() if k not in ignore
    }
    assert values(Booking.objects.get(pk=inserted.pk)) == values(inserted)


def test_insert_skipping_conflicts_says_whether_it_wrote_and_keeps_the_transaction(owner):
    from django.db import IntegrityError, transaction

    from bookings.models import Visitor
    from linli.rows import insert

    first = Visitor(user=owner)
    with transaction.atomic():
        assert insert(first, skip_conflicts=True) is True
        second = Visitor(user=owner)  # the same user: the unique constraint refuses it
        assert insert(second, skip_conflicts=True) is False
        assert second.pk is None and second._state.adding
        # No savepoint was needed: the transaction goes on (PostgreSQL would refuse any
        # further statement after a failed one).
        assert Visitor.objects.filter(user=owner).count() == 1
    assert Visitor.objects.get(user=owner).key == first.key
    with pytest.raises(IntegrityError), transaction.atomic():
        insert(Visitor(user=owner))  # without skip_conflicts the refusal raises


def test_on_postgresql_the_hand_written_statements_are_prepared_once(room):
    from django.db import connection

    from linli.rows import cursor

    if connection.vendor != "postgresql":
        pytest.skip("SQLite keeps its own statement cache; nothing to prepare")
    sql = "SELECT %s::int + 1"
    for n in range(3):
        assert one(sql, [n]) == (n + 1,)
    with cursor() as c:
        c.execute(
            "SELECT generic_plans + custom_plans, generic_plans FROM pg_prepared_statements"
            " WHERE statement = %s",
            ["SELECT $1::int + 1"],
        )
        # Prepared on its first run, then run from its one generic plan (settings:
        # plan_cache_mode), not planned again each time.
        assert c.fetchall() == [(3, 3)]
    with connection.cursor() as c:  # the ORM's cursors still bind on the client
        c.execute("SELECT %s::int", [7])
        assert c.fetchone() == (7,)


def test_the_preparers_give_what_get_db_prep_save_gives(room, owner):
    """linli.rows.preparer takes common values straight: each field written by hand
    (a booking, its notices, an idempotency key, a visitor) gives what the field's own
    get_db_prep_save gives, for the values a real row holds and for edge values."""
    import datetime as dt
    import uuid

    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from bookings.models import IdempotentRequest, Status, Visitor
    from linli.rows import preparer

    when = dt.datetime(2026, 12, 2, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    booking = build_booking(room, when, resident=owner, code="000042", visitor=uuid.uuid4())
    booking.status = Status.CONFIRMED  # a choices member, not a plain str
    samples = [
        booking,
        DBTaskResult(args_kwargs={"args": [1, "confirmed", 0], "kwargs": {}}, task_path="x.y"),
        IdempotentRequest(user=owner, key="k", fingerprint="f", status=201, body={"a": "预约"}),
        Visitor(user=owner),
    ]
    edge = [None, "", "文字", 0, 7, True, False, when, when.date(), dt.datetime(2026, 1, 1, 0, 0)]
    checked = 0
    for obj in samples:
        for field in obj._meta.local_concrete_fields:
            values = [getattr(obj, field.attname)]
            if field.get_internal_type() not in ("JSONField", "UUIDField"):
                values += [v for v in edge if type(v) in (type(values[0]), type(None))]
            for value in values:
                naive = isinstance(value, dt.datetime) and value.tzinfo is None
                if naive:
                    continue  # the field warns and converts; not a value Linli writes
                expected = field.get_db_prep_save(value, connection)
                got = preparer(field)(value, connection)
                # PostgreSQL's JSON comes wrapped (psycopg's Jsonb), equal by what it holds.
                assert getattr(got, "obj", got) == getattr(expected, "obj", expected)
                assert type(got) is type(expected), (field, value)
                checked += 1
    assert checked > 60
