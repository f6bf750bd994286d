"""Metric 4: booked room-hours inside open hours over bookable room-hours."""

import datetime as dt

import pytest

from spaces.models import OpeningHours
from tests.factories import RoomFactory, VenueFactory, make_booking, make_scene, weekly_hours
from tests.metrics.helpers import at, d, figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def teahouse():
    """Open 09-21, public 09-18 and commercial 18-21 (both bookable); rooms a and b take
    bookings, the reading room is walk-in only."""
    venue = VenueFactory()
    weekly_hours(venue)
    make_scene(venue, kind="public", starts=dt.time(9), ends=dt.time(18))
    make_scene(venue, kind="commercial", starts=dt.time(18), ends=dt.time(21))
    a = RoomFactory(venue=venue, name="议事茶亭")
    b = RoomFactory(venue=venue, name="服务驿站")
    RoomFactory(venue=venue, name="社区书屋", is_bookable=False)
    return venue, a, b


def test_utilisation_counts_bookings_that_were_confirmed_inside_open_hours(teahouse):
    venue, a, b = teahouse
    make_booking(a, at(12, 1, 10), hours=2, status="confirmed", code="000001")  # 2 h
    make_booking(a, at(12, 1, 13), hours=1, status="checked_in", code="000002")  # 1 h
    make_booking(a, at(12, 1, 14), hours=1, status="completed", code="000003")  # 1 h
    make_booking(a, at(12, 1, 15), hours=1, status="no_show", code="000004")  # 1 h
    make_booking(a, at(12, 1, 16), hours=1, status="pending", code="000005")  # out
    make_booking(a, at(12, 1, 17), hours=1, status="cancelled", code="000006")  # out
    make_booking(a, at(12, 1, 19), hours=1, status="rejected", code="000007")  # out
    make_booking(b, at(12, 1, 9), hours=1, status="completed", code="000008")  # 1 h
    m = figures([venue], d(12, 1), d(12, 2))
    assert m.open_room_hours == 36  # 3 rooms x 12 h
    assert m.bookable_room_hours == 24  # the walk-in reading room is not in it
    assert m.utilisation == pytest.approx(6 / 24)  # a: 2 + 1 + 1 + 1; b: 1


def test_booked_time_outside_open_hours_or_the_period_is_clipped(teahouse):
    venue, a, b = teahouse
    # History recorded under other hours: 20:00-22:00 counts only up to 21:00 (1 h).
    make_booking(a, at(12, 1, 20), hours=2, status="completed", code="000001")
    # 08:00-10:00: only 09:00-10:00 (1 h) lies in open hours.
    make_booking(b, at(12, 1, 8), hours=2, status="completed", code="000002")
    # The evening before the period, 20:00-21:00: none of it falls in the period.
    make_booking(a, at(11, 30, 20), hours=1, status="completed", code="000003")
    m = figures([venue], d(12, 1), d(12, 2))
    assert m.utilisation == pytest.approx(2 / 24)


def test_booked_time_is_counted_once_when_a_no_shows_time_is_booked_again(teahouse):
    venue, a, _ = teahouse
    make_booking(a, at(12, 1, 15), hours=1, status="no_show", code="000001")  # 15:00-16:00
    # Its time was free again at once: 15:30-16:30 booked by someone else.
    make_booking(a, at(12, 1, 15, 30), hours=1, status="completed", code="000002")
    m = figures([venue], d(12, 1), d(12, 2))
    assert m.utilisation == pytest.approx(1.5 / 24)  # 15:00-16:30, not 1 + 1


def test_a_walk_in_only_scene_is_not_bookable_time(teahouse):
    venue, a, _ = teahouse
    # A walk-in evening in room a on 12-01 18:00-21:00 replaces the commercial scene there.
    make_scene(
        venue,
        kind="commercial",
        name="自由茶座",
        rooms=[a],
        starts=dt.time(18),
        ends=dt.time(21),
        one_off_date=d(12, 1),
        valid_from=d(12, 1),
        who_may_book="walk_in",
    )
    make_booking(a, at(12, 1, 10), hours=3, status="completed", code="000001")
    m = figures([venue], d(12, 1), d(12, 2))
    assert m.bookable_room_hours == 21  # a: 12 - 3 walk-in; b: 12
    assert m.utilisation == pytest.approx(3 / 21)


def test_a_closed_scene_is_neither_open_nor_bookable(teahouse):
    venue, a, _ = teahouse
    make_scene(
        venue,
        kind="closed",
        rooms=[a],
        starts=dt.time(9),
        ends=dt.time(13),
        one_off_date=d(12, 1),
        valid_from=d(12, 1),
    )
    # Booked before the maintenance was set: 12:00-14:00 counts only 13:00-14:00.
    make_booking(a, at(12, 1, 12), hours=2, status="confirmed", code="000001")
    m = figures([venue], d(12, 1), d(12, 2))
    assert m.open_room_hours == 32  # 36 - 4 closed in a
    assert m.bookable_room_hours == 20  # a: 8; b: 12
    assert m.utilisation == pytest.approx(1 / 20)


def test_overnight_bookings_count_where_they_fall():
    venue = VenueFactory()
    room = RoomFactory(venue=venue)
    for day in range(7):
        OpeningHours.objects.create(
            venue=venue, day=day, opens=dt.time(18), closes=dt.time(2), overnight=True
        )
    # Monday 11-30 23:00 - Tuesday 12-01 01:00: only 00:00-01:00 falls from 12-01 on.
    make_booking(room, at(11, 30, 23), hours=2, status="completed", code="000001")
    # Tuesday 12-01 23:00 - 01:00: only 23:00-24:00 falls before `to` 12-02.
    make_booking(room, at(12, 1, 23), hours=2, status="completed", code="000002")
    m = figures([venue], d(12, 1), d(12, 2))
    # Open: 12-01 00:00-02:00 (Monday's spill) + 18:00-24:00 = 8 h.
    assert m.bookable_room_hours == 8
    assert m.utilisation == pytest.approx(2 / 8)
    m = figures([venue], d(11, 30), d(12, 3))
    # Open: 11-30 0-2 (Sunday's spill) and 18-24 (8) + 12-01 (8) + 12-02 (8) = 24 h;
    # booked 2 + 2.
    assert m.bookable_room_hours == 24
    assert m.utilisation == pytest.approx(4 / 24)


def test_utilisation_with_no_bookable_time_is_null():
    venue = VenueFactory()
    RoomFactory(venue=venue, is_bookable=False)
    weekly_hours(venue)
    m = figures([venue], d(12, 1), d(12, 2))
    assert (m.open_room_hours, m.bookable_room_hours, m.utilisation) == (12, 0, None)


def test_bookings_are_summed_in_the_database_whatever_their_number(teahouse):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    venue, a, b = teahouse

    def queries_for(first_day, last_day):
        for day in range(first_day, last_day + 1):
            for room in (a, b):
                make_booking(room, at(11, day, 10), status="completed", code=f"{room.pk:06d}")
        with CaptureQueriesContext(connection) as queries:
            m = figures([venue], d(11, 1), d(12, 1))
        return len(queries), m.utilisation

    figures([venue], d(11, 1), d(12, 1))  # the schedule cache filled (scenes.schedule_cache)
    few, utilisation = queries_for(1, 2)
    assert utilisation == pytest.approx(4 / (30 * 24))  # 4 bookings of 1 h; 30 days x 24 h
    many, utilisation = queries_for(3, 20)
    assert utilisation == pytest.approx(40 / (30 * 24))  # 40 bookings
    assert many == few
