"""The openness heat map (weekday × hour), hand-computed on a tiny venue."""

import datetime as dt

import pytest

from metrics.selectors.heat import openness_heat, weekday_counts
from spaces.models import OpeningHours
from tests.factories import RoomFactory, VenueFactory, closed_days, make_scene, weekly_hours
from tests.metrics.helpers import d

pytestmark = pytest.mark.django_db

MON, TUE, WED, THU, SAT, SUN = 0, 1, 2, 3, 5, 6


@pytest.fixture
def venue():
    """Two rooms, open Monday-Friday 09:30-11:00 and Saturday 23:00-01:00 (overnight);
    room B closed on Wednesdays by its own rule; room A in a closed scene Tuesdays
    10:00-10:30; a public scene on B (open time all the same)."""
    venue = VenueFactory()
    a, b = RoomFactory(venue=venue), RoomFactory(venue=venue)
    weekly_hours(venue, opens=dt.time(9, 30), closes=dt.time(11), days=range(5))
    OpeningHours.objects.create(
        venue=venue, day=SAT, opens=dt.time(23), closes=dt.time(1), overnight=True
    )
    closed_days(b, [WED])
    make_scene(
        venue, kind="closed", rooms=[a], starts=dt.time(10), ends=dt.time(10, 30), weekdays=2
    )
    make_scene(venue, kind="public", rooms=[b], starts=dt.time(9), ends=dt.time(18))
    return venue


def test_weekday_counts():
    assert weekday_counts(d(11, 2), d(11, 16)) == [2] * 7
    assert weekday_counts(d(11, 2), d(11, 5)) == [1, 1, 1, 0, 0, 0, 0]
    assert weekday_counts(d(11, 5), d(11, 5)) == [0] * 7


def test_two_weeks_by_hand(venue):
    # 2026-11-02 (Monday) to 11-16: each weekday twice, no holiday. A cell's room-time is
    # 2 rooms x 2 days x 3600 s = 14400 s.
    heat = openness_heat(venues=[venue], start=d(11, 2), end=d(11, 16))
    v = heat.values
    assert heat.rooms == 2 and heat.days == (2,) * 7
    assert v[MON][9] == 0.5  # 09:30-10:00: 2 rooms x 2 days x 1800 s
    assert v[MON][10] == 1.0
    assert v[MON][8] == 0.0 and v[MON][11] == 0.0
    assert v[TUE][9] == 0.5
    assert v[TUE][10] == 0.75  # A closed 10:00-10:30: (1800 + 3600) x 2 / 14400
    assert v[WED][9] == 0.25  # B closed all day: 1800 x 2 / 14400
    assert v[WED][10] == 0.5
    assert v[SAT][23] == 1.0
    # Sunday 00:00-01:00 is Saturday's spill, counted where it falls (11-08 and 11-15).
    assert v[SUN][0] == 1.0 and v[SUN][1] == 0.0
    assert v[SUN][9] == 0.0


def test_weekdays_not_in_the_period_are_none(venue):
    heat = openness_heat(venues=[venue], start=d(11, 2), end=d(11, 5))  # Mon-Wed
    assert heat.values[MON][10] == 1.0
    assert heat.values[THU] == (None,) * 24


def test_an_overnight_spill_from_before_the_period_counts_from_midnight(venue):
    # Sunday 11-08 alone: only Saturday 11-07's spill, 00:00-01:00, in both rooms.
    heat = openness_heat(venues=[venue], start=d(11, 8), end=d(11, 9))
    assert heat.values[SUN][0] == 1.0
    assert heat.values[SAT] == (None,) * 24


def test_several_venues_share_the_denominator(venue):
    other = VenueFactory()
    RoomFactory(venue=other)  # a room with no hours at all: room-time, never open
    heat = openness_heat(venues=[venue, other], start=d(11, 2), end=d(11, 16))
    assert heat.rooms == 3
    assert heat.values[MON][10] == pytest.approx(2 / 3)


def test_an_empty_period_has_no_figures(venue):
    heat = openness_heat(venues=[venue], start=d(11, 2), end=d(11, 2))
    assert all(value is None for row in heat.values for value in row)
    assert openness_heat(venues=[], start=d(11, 2), end=d(11, 9)).values[MON][10] is None
