"""Metrics 1-3 (open room-hours, scene shares, off-work-hours openness), hand-computed."""

import datetime as dt

import pytest

from spaces.models import OpeningHours
from tests.factories import RoomFactory, VenueFactory, make_scene, weekly_hours
from tests.metrics.helpers import d, figures

pytestmark = pytest.mark.django_db

TUESDAY, WEDNESDAY, THURSDAY, SUNDAY = 1, 2, 3, 6


def test_a_plain_week():
    venue = VenueFactory()
    RoomFactory(venue=venue)
    weekly_hours(venue)  # 09:00-21:00 every day
    m = figures([venue], d(11, 2), d(11, 9))  # Monday 11-02 to Sunday 11-08, no holiday
    assert m.open_room_hours == 84  # 7 days x 12 h
    # Working time 08-18 on the 5 weekdays covers 09-18: 5 x 9 = 45 h; 84 - 45 = 39 off.
    assert m.off_work_hours_share == pytest.approx(39 / 84)
    assert m.scene_shares.none == 1.0  # no scene at all
    assert m.scene_shares.public == 0.0


def test_a_makeup_working_day_has_the_paired_weekdays_hours_and_is_working_time():
    venue = VenueFactory()
    RoomFactory(venue=venue)
    RoomFactory(venue=venue)
    OpeningHours.objects.create(venue=venue, day=TUESDAY, opens=dt.time(10), closes=dt.time(20))
    OpeningHours.objects.create(venue=venue, day=SUNDAY, opens=dt.time(14), closes=dt.time(16))
    # Sunday 2026-09-20 is worked for Tuesday 10-06: Tuesday's 10:00-20:00, not Sunday's.
    m = figures([venue], d(9, 20), d(9, 21))
    assert m.open_room_hours == 20  # 2 rooms x 10 h
    # A working day: 10-18 is working time, 18-20 is not: 2 rooms x 2 h = 4 of 20.
    assert m.off_work_hours_share == pytest.approx(4 / 20)


def test_an_ordinary_sunday_is_off_work_all_day():
    venue = VenueFactory()
    RoomFactory(venue=venue)
    OpeningHours.objects.create(venue=venue, day=SUNDAY, opens=dt.time(14), closes=dt.time(16))
    m = figures([venue], d(11, 8), d(11, 9))  # Sunday 11-08
    assert m.open_room_hours == 2  # 14-16
    assert m.off_work_hours_share == 1.0  # not a working day


def _overnight_venue():
    """Open Wednesday and Thursday 18:00-02:00; closed during holiday breaks."""
    venue = VenueFactory(holiday_policy="closed")
    RoomFactory(venue=venue)
    for day in (WEDNESDAY, THURSDAY):
        OpeningHours.objects.create(
            venue=venue, day=day, opens=dt.time(18), closes=dt.time(2), overnight=True
        )
    return venue


def test_overnight_hours_spill_into_a_holiday_and_count_where_they_fall():
    venue = _overnight_venue()
    # Wednesday 09-30 18:00 - Thursday 10-01 02:00 belongs to Wednesday, a working day; the
    # National Day break closes Thursday 10-01's own 18:00-02:00, not Wednesday's spill.
    m = figures([venue], d(10, 1), d(10, 2))
    assert m.open_room_hours == 2  # only 10-01 00:00-02:00 falls in the period
    assert m.off_work_hours_share == 1.0  # a holiday: no working time
    m = figures([venue], d(9, 30), d(10, 1))
    assert m.open_room_hours == 6  # 09-30 18:00-24:00; the spill past `to` is cut
    assert m.off_work_hours_share == 1.0  # 18:00-24:00 is after working time
    m = figures([venue], d(9, 30), d(10, 2))
    assert m.open_room_hours == 8  # 6 + 2, and 10-01's own evening is closed


def test_an_overnight_interval_from_before_the_period_counts_from_midnight():
    venue = _overnight_venue()
    # Wednesday 11-04 18:00-02:00 (Thursday 11-05 is a working day); period from 11-05.
    m = figures([venue], d(11, 5), d(11, 6))
    # 11-05 00:00-02:00 (2 h, before 08:00: off work) + 11-05 18:00-24:00 (6 h, off work).
    assert m.open_room_hours == 8
    assert m.off_work_hours_share == 1.0


def test_scene_shares_and_a_closed_scene():
    venue = VenueFactory()
    a = RoomFactory(venue=venue)
    RoomFactory(venue=venue)
    weekly_hours(venue)  # 09-21
    make_scene(venue, kind="public", starts=dt.time(9), ends=dt.time(18))
    make_scene(venue, kind="commercial", starts=dt.time(18), ends=dt.time(21))
    # Maintenance in room a on Tuesday 12-01 14:00-16:00 (a one-off beats the public scene).
    make_scene(
        venue,
        kind="closed",
        rooms=[a],
        starts=dt.time(14),
        ends=dt.time(16),
        one_off_date=d(12, 1),
        valid_from=d(12, 1),
    )
    m = figures([venue], d(12, 1), d(12, 2))
    assert m.open_room_hours == 22  # a: 12 - 2 closed = 10; b: 12
    assert m.scene_shares.public == pytest.approx(16 / 22)  # a: 9 - 2 = 7; b: 9
    assert m.scene_shares.commercial == pytest.approx(6 / 22)  # 3 + 3
    assert m.scene_shares.none == 0.0
    # Working time 08-18: a is open 09-14 and 16-18 in it (7 h), b 09-18 (9 h).
    # Off work: a 10 - 7 = 3, b 12 - 9 = 3: 6 of 22.
    assert m.off_work_hours_share == pytest.approx(6 / 22)


def test_time_with_no_scene_is_the_none_share():
    venue = VenueFactory()
    RoomFactory(venue=venue)
    weekly_hours(venue)  # 09-21
    make_scene(venue, kind="public", starts=dt.time(9), ends=dt.time(12))
    m = figures([venue], d(12, 1), d(12, 2))
    assert m.scene_shares.public == pytest.approx(3 / 12)
    assert m.scene_shares.commercial == 0.0
    assert m.scene_shares.none == pytest.approx(9 / 12)  # 12-21


def test_a_set_of_venues_adds_their_room_hours():
    first, second = VenueFactory(), VenueFactory()
    RoomFactory(venue=first)
    RoomFactory(venue=second)
    RoomFactory(venue=second)
    weekly_hours(first)  # 12 h a day
    weekly_hours(second, opens=dt.time(18), closes=dt.time(20))  # 2 h a day
    m = figures([first, second], d(12, 1), d(12, 2))  # a Tuesday
    assert m.open_room_hours == 16  # 12 + 2 rooms x 2
    # Off work: first 09-21 has 18-21 (3 h); second 18-20 in both rooms (4 h): 7 of 16.
    assert m.off_work_hours_share == pytest.approx(7 / 16)


def test_an_empty_period_gives_nulls_not_zeros():
    venue = VenueFactory()
    RoomFactory(venue=venue)  # no opening hours, no bookings, no visits
    m = figures([venue], d(12, 1), d(12, 8))
    assert m.open_room_hours == 0
    assert m.bookable_room_hours == 0
    assert (m.scene_shares.public, m.scene_shares.commercial, m.scene_shares.none) == (
        None,
        None,
        None,
    )
    assert m.off_work_hours_share is None
    assert m.utilisation is None
    assert m.show_rate is None
    assert (m.visits, m.unique_visitors, m.walk_in_headcount) == (0, 0, 0)
    assert m.repeat_visit_rate is None
    assert m.return_30d_rate is None
    assert m.cohorts == ()
    assert (m.satisfaction.mean, m.satisfaction.share_4_5, m.satisfaction.count) == (
        None,
        None,
        0,
    )
    assert m.predictability is None  # 0 open + 0 late-closed


def test_no_venue_at_all_gives_nulls():
    m = figures([], d(12, 1), d(12, 8))
    assert (m.open_room_hours, m.visits, m.show_rate, m.return_30d_rate) == (0, 0, None, None)
    assert m.cohorts == ()
