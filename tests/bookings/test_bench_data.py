"""The benchmark generator: the bookings it makes never overlap, and on SQLite the
no-overlap triggers are back after a load that dropped them."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from bookings.management.commands.bench_bookings_data import PREFIX, overlap_count
from bookings.models import HOLDING, Booking
from spaces.models import Room, Venue


def triggers() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {name for (name,) in cursor.fetchall()}


@pytest.mark.parametrize("drop", [False, True])
def test_generates_exactly_the_bookings_asked_for_without_overlaps(db, frozen, drop):
    options = ["--drop-triggers"] if drop else []
    call_command(
        "bench_bookings_data",
        "--rooms",
        "14",
        "--bookings",
        "900",
        "--years",
        "0.1",
        "--residents",
        "20",
        *options,
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )
    assert Venue.objects.filter(name__startswith=PREFIX).count() == 2
    assert Room.objects.filter(venue__name__startswith=PREFIX).count() == 14
    assert Booking.objects.count() == 900
    assert Booking.objects.filter(status__in=HOLDING).exists()
    assert overlap_count() == 0
    if connection.vendor == "sqlite":
        assert {"bookings_booking_no_overlap_insert", "bookings_booking_no_overlap_update"} <= (
            triggers()
        )


def test_the_overlap_check_sees_an_overlap(db, frozen):
    call_command(
        "bench_bookings_data",
        "--rooms",
        "2",
        "--bookings",
        "40",
        "--years",
        "0.1",
        "--residents",
        "5",
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )
    booking = Booking.objects.filter(status="confirmed").first()
    with connection.cursor() as cursor:  # past the triggers / constraint, as a bulk load would be
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER bookings_booking_no_overlap_update")
        else:  # deferred foreign-key checks first: ALTER TABLE refuses pending ones
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE bookings_booking DROP CONSTRAINT bookings_booking_no_overlap"
            )
    other = Booking.objects.filter(room=booking.room, status="confirmed").exclude(pk=booking.pk)
    other.filter(pk=other.first().pk).update(starts_at=booking.starts_at, ends_at=booking.ends_at)
    assert overlap_count() == 1
    with pytest.raises(CommandError):
        call_command("bench_bookings_data", "--rooms", "2", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command(
        "bench_bookings_data",
        "--unless-present",
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )


def test_checkins_for_the_metrics_benchmark(db, frozen):
    """--checkins N: N check-ins in all, one per completed booking, walk-ins at most once
    a day per resident and venue (the database's own constraint holds), some ratings."""
    from django.db.models import Count

    from bookings.models import CheckIn, Rating

    call_command(
        "bench_bookings_data",
        "--rooms",
        "24",
        "--bookings",
        "1500",
        "--years",
        "0.2",
        "--residents",
        "50",
        "--checkins",
        "4000",
        stdout=open("/dev/null", "w"),  # noqa: SIM115
    )
    completed = Booking.objects.filter(status="completed").count()
    assert CheckIn.objects.count() == 4000
    assert CheckIn.objects.filter(kind="booking").count() == completed
    assert not CheckIn.objects.filter(kind="booking", booking__status="cancelled").exists()
    anonymous = CheckIn.objects.filter(visitor__isnull=True)
    assert anonymous.exists() and not anonymous.filter(headcount__gt=8).exists()
    twice = (
        CheckIn.objects.filter(kind="walk_in", visitor__isnull=False)
        .values("visitor", "venue", "local_date")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not twice.exists()
    assert Rating.objects.exists()
    import datetime as dt

    assert not CheckIn.objects.filter(local_date__gt=dt.date(2026, 12, 1)).exists()  # no future
