"""Metric 12: predictability, 1 - late-closed / (open + late-closed) room-hours."""

import datetime as dt

import pytest
import time_machine

from spaces.models import OpeningException
from tests.factories import RoomFactory, VenueFactory, make_scene, weekly_hours
from tests.metrics.helpers import at, d, figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def venue():
    venue = VenueFactory()
    RoomFactory(venue=venue)
    weekly_hours(venue)  # 09-21, 12 h a day
    return venue


def closure(venue, day, made_at, **fields):
    with time_machine.travel(made_at, tick=False):
        return OpeningException.objects.create(
            venue=venue, date=day, reason="社区选举投票点", **fields
        )


def test_late_and_timely_closures(venue):
    # The week of Monday 12-07 to Sunday 12-13: 7 x 12 = 84 h without any closure.
    closure(venue, d(12, 8), at(12, 1, 23, 59))  # made 7 days before: on time
    closure(venue, d(12, 10), at(12, 4, 0, 1))  # 6 days before: late, 12 h
    # Shorter hours 10:00-12:00 on 12-11, made the day before: late, 12 - 2 = 10 h.
    closure(venue, d(12, 11), at(12, 10, 9), opens=dt.time(10), closes=dt.time(12))
    old = closure(venue, d(12, 9), at(12, 8, 9))  # late, but made before this was recorded:
    OpeningException.objects.filter(pk=old.pk).update(created_at=None)  # on time
    # Closed 19:00-21:00 every day from 12-12, made on Sunday 12-06: judged date by date,
    # 12-12 is 6 days on (late, 2 h), 12-13 is 7 (on time).
    with time_machine.travel(at(12, 6, 22), tick=False):
        make_scene(venue, kind="closed", starts=dt.time(19), ends=dt.time(21), valid_from=d(12, 12))
    m = figures([venue], d(12, 7), d(12, 14))
    # Open: 84 - 12 (12-08) - 12 (12-09) - 12 (12-10) - 10 (12-11) - 2 (12-12) - 2 (12-13).
    assert m.open_room_hours == 34
    # Late-closed: 12 (12-10) + 10 (12-11) + 2 (12-12) = 24.
    assert m.predictability == pytest.approx(1 - 24 / (34 + 24))


def test_a_late_exception_that_opens_longer_closes_nothing(venue):
    closure(venue, d(12, 8), at(12, 7, 9), opens=dt.time(8), closes=dt.time(22))
    m = figures([venue], d(12, 8), d(12, 9))
    assert m.open_room_hours == 14
    assert m.predictability == 1.0  # nothing that would be open is closed


def test_a_late_closure_of_a_room_counts_that_rooms_hours(venue):
    second = RoomFactory(venue=venue)
    closure(venue, d(12, 8), at(12, 7, 9), room=second)
    m = figures([venue], d(12, 8), d(12, 9))
    assert m.open_room_hours == 12  # the first room only
    assert m.predictability == pytest.approx(1 - 12 / (12 + 12))


def test_a_late_closed_scene_over_closed_hours_takes_nothing(venue):
    # 21:00-23:00 lies outside the opening hours: nothing would have been open there.
    with time_machine.travel(at(12, 7, 9), tick=False):
        make_scene(venue, kind="closed", starts=dt.time(21), ends=dt.time(23), valid_from=d(12, 8))
    assert figures([venue], d(12, 8), d(12, 9)).predictability == 1.0


def test_a_late_closure_the_evening_before_the_period_counts_its_spill():
    venue = VenueFactory()
    RoomFactory(venue=venue)
    from spaces.models import OpeningHours

    for day in range(7):
        OpeningHours.objects.create(
            venue=venue, day=day, opens=dt.time(18), closes=dt.time(2), overnight=True
        )
    # Monday 12-07's 18:00-02:00 closed late: its 12-08 00:00-02:00 would fall in the period.
    closure(venue, d(12, 7), at(12, 6, 9))
    m = figures([venue], d(12, 8), d(12, 9))
    assert m.open_room_hours == 6  # 12-08 18-24 only
    assert m.predictability == pytest.approx(1 - 2 / (6 + 2))
