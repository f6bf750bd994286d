"""Room-hours computed once per group of rooms with the same timeline, and the schedule's
part kept per schedule token: never at the cost of a figure (hand-computed)."""

import datetime as dt

import pytest

from metrics.selectors import hours as h
from scenes.resolution import load_venue_data
from spaces.models import OpeningException
from tests.factories import RoomFactory, VenueFactory, make_booking, make_scene, weekly_hours
from tests.metrics.helpers import at, d, figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def venue():
    venue = VenueFactory()
    weekly_hours(venue)  # 09:00-21:00 every day
    return venue


def _groups(venue):
    ctx = load_venue_data(venue=venue, start=d(11, 2), end=d(11, 9))
    return sorted(sorted(r.name for r in group) for group in h.same_timelines(ctx))


def test_rooms_with_rules_of_their_own_are_never_merged(venue):
    for name in ("甲", "乙", "丙"):
        RoomFactory(venue=venue, name=name)
    own_hours = RoomFactory(venue=venue, name="丁")
    weekly_hours(venue, opens=dt.time(14), closes=dt.time(16), room=own_hours)
    own_exception = RoomFactory(venue=venue, name="戊")
    OpeningException.objects.create(venue=venue, room=own_exception, date=d(11, 4), reason="维修")
    RoomFactory(venue=venue, name="己", is_bookable=False)
    chosen = RoomFactory(venue=venue, name="庚")
    make_scene(venue, rooms=[chosen], valid_from=d(11, 1))
    expected = [["丁"], ["庚"], ["己"], ["戊"], sorted(["甲", "乙", "丙"])]
    assert _groups(venue) == sorted(expected)


def test_the_figures_of_merged_rooms_are_those_of_each_room(venue):
    first, *_ = (RoomFactory(venue=venue, name=name) for name in ("甲", "乙", "丙"))
    own_hours = RoomFactory(venue=venue, name="丁")
    weekly_hours(venue, opens=dt.time(14), closes=dt.time(16), room=own_hours)
    closed = RoomFactory(venue=venue, name="戊")
    OpeningException.objects.create(venue=venue, room=closed, date=d(11, 4), reason="维修")
    RoomFactory(venue=venue, name="己", is_bookable=False)
    chosen = RoomFactory(venue=venue, name="庚")
    make_scene(venue, rooms=[chosen], valid_from=d(11, 1))  # public 09:00-18:00
    make_booking(first, at(11, 3, 10), hours=2)
    m = figures([venue], d(11, 2), d(11, 9))  # Monday 11-02 to Sunday 11-08
    # 甲乙丙 and 己 and 庚: 7 x 12 h each; 丁: 7 x 2 h; 戊: 6 x 12 h (closed 11-04).
    assert m.open_room_hours == 5 * 84 + 14 + 72
    # Public: 庚 09:00-18:00, 7 x 9 = 63 h.
    assert m.scene_shares.public == pytest.approx(63 / (5 * 84 + 14 + 72))
    # Bookable: every room but 己.
    assert m.bookable_room_hours == 4 * 84 + 14 + 72
    assert m.utilisation == pytest.approx(2 / (4 * 84 + 14 + 72))


def test_a_schedule_change_is_seen_at_once(venue):
    room = RoomFactory(venue=venue)
    assert figures([venue], d(11, 2), d(11, 9)).open_room_hours == 84
    OpeningException.objects.create(venue=venue, date=d(11, 4), reason="社区活动")
    assert figures([venue], d(11, 2), d(11, 9)).open_room_hours == 72
    make_scene(venue, kind="closed", valid_from=d(11, 1))  # 09:00-18:00 closed every day
    assert figures([venue], d(11, 2), d(11, 9)).open_room_hours == 6 * 3
    room.is_bookable = False
    room.save()
    assert figures([venue], d(11, 2), d(11, 9)).bookable_room_hours == 0
    RoomFactory(venue=venue)
    assert figures([venue], d(11, 2), d(11, 9)).open_room_hours == 2 * 6 * 3


def test_the_schedule_is_computed_once_per_token_but_bookings_read_every_time(venue, monkeypatch):
    room = RoomFactory(venue=venue)
    h.clear()
    computed = []
    real = h._compute_schedule_hours
    monkeypatch.setattr(
        h, "_compute_schedule_hours", lambda *args: computed.append(args) or real(*args)
    )
    assert figures([venue], d(11, 2), d(11, 9)).utilisation == 0
    make_booking(room, at(11, 3, 10), hours=3)
    assert figures([venue], d(11, 2), d(11, 9)).utilisation == pytest.approx(3 / 84)
    assert len(computed) == 1  # the booking changed no schedule
    venue.refresh_from_db()
    venue.save()  # a new token
    assert figures([venue], d(11, 2), d(11, 9)).utilisation == pytest.approx(3 / 84)
    assert len(computed) == 2


def test_callers_cannot_change_what_is_kept(venue):
    RoomFactory(venue=venue)
    first = h.venue_day_hours(venue=venue, start=d(11, 2), end=d(11, 9))
    first[d(11, 3)].open += 1_000_000
    again = h.venue_day_hours(venue=venue, start=d(11, 2), end=d(11, 9))
    assert again[d(11, 3)].open == 12 * 3600
