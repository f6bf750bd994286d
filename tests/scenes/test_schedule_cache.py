"""The saved schedule (hours, exceptions, rooms, scenes) is cached per venue under a
token that every write to it replaces: a timeline is never computed from a stale copy."""

import datetime as dt

import pytest
from django.db import transaction

from scenes.resolution import room_timeline
from spaces.locks import venue_lock
from spaces.models import OpeningException, OpeningHours, Venue
from tests.factories import RoomFactory, make_scene, weekly_hours

D = dt.date(2026, 12, 1)  # a Tuesday
NEXT = D + dt.timedelta(days=1)


def states(room):
    return [
        (f"{s.start:%H:%M}", f"{s.end:%H:%M}", s.state, s.scene.name if s.scene else None)
        for s in room_timeline(room=room, start=D, end=NEXT)
    ]


def token(venue):
    return Venue.objects.get(pk=venue.pk).schedule_token


@pytest.fixture
def planned(venue, room):
    weekly_hours(venue, dt.time(9), dt.time(21))
    make_scene(venue, kind="public", starts=dt.time(9), ends=dt.time(18))
    states(room)  # now cached
    return venue


OPEN_PUBLIC = [
    ("00:00", "09:00", "closed", None),
    ("09:00", "18:00", "scene", "公益时段"),
    ("18:00", "21:00", "open", None),
    ("21:00", "00:00", "closed", None),
]


def test_a_second_read_costs_one_query_for_the_schedule(planned, room, django_assert_num_queries):
    assert states(room) == OPEN_PUBLIC
    # the token, the room's venue is loaded by the caller, then no hours or scene queries
    with django_assert_num_queries(1):
        room_timeline(room=room, start=D, end=NEXT)


def test_a_worker_loads_every_schedule_ahead(venue, room, django_assert_num_queries):
    from django.core.cache import cache

    from scenes.schedule_cache import warm

    weekly_hours(venue, dt.time(9), dt.time(21))
    make_scene(venue, kind="public", starts=dt.time(9), ends=dt.time(18))
    cache.clear()
    assert warm() == Venue.objects.count()
    with django_assert_num_queries(1):  # the token only: the first request finds it loaded
        assert states(room) == OPEN_PUBLIC


def test_a_caller_holding_the_venue_lock_passes_the_token_it_read(
    planned, room, django_assert_num_queries
):
    with transaction.atomic():
        room.venue = venue_lock(planned.pk)
        with django_assert_num_queries(0):
            room_timeline(room=room, start=D, end=NEXT, schedule_token=room.venue.schedule_token)
    row = OpeningHours.objects.get(venue=planned, day=D.weekday())
    row.closes = dt.time(20)
    row.save()
    with transaction.atomic():
        room.venue = venue_lock(planned.pk)  # the new token: the new hours
        segments = room_timeline(
            room=room, start=D, end=NEXT, schedule_token=room.venue.schedule_token
        )
    assert [f"{s.end:%H:%M}" for s in segments][-2:] == ["20:00", "00:00"]


def test_hours_changes_are_seen_at_once(planned, room):
    before = token(planned)
    OpeningHours.objects.filter(venue=planned, day=D.weekday()).update(closes=dt.time(20))
    # update() sends no signal: the cache (correctly keyed) still answers the old rows...
    assert states(room)[-2] == ("18:00", "21:00", "open", None)
    # ...which is why every service saves rows (post_save) or calls schedule_changed.
    row = OpeningHours.objects.get(venue=planned, day=D.weekday())
    row.closes = dt.time(20)
    row.save()
    assert token(planned) != before
    assert states(room)[-2:] == [
        ("18:00", "20:00", "open", None),
        ("20:00", "00:00", "closed", None),
    ]


def test_exceptions_scenes_and_rooms_change_the_token(planned, room):
    seen = {token(planned)}
    exception = OpeningException.objects.create(
        venue=planned, date=D, opens=None, closes=None, reason="检修"
    )
    assert states(room) == [("00:00", "00:00", "closed", None)]
    seen.add(token(planned))
    exception.delete()
    assert states(room) == OPEN_PUBLIC
    seen.add(token(planned))
    other = RoomFactory(venue=planned)
    seen.add(token(planned))
    evening = make_scene(
        planned,
        kind="commercial",
        name="夜间茶座",
        starts=dt.time(18),
        ends=dt.time(21),
        rooms=[other],
    )
    seen.add(token(planned))
    assert states(room) == OPEN_PUBLIC  # the evening scene is the other room's
    evening.rooms.add(room)
    seen.add(token(planned))
    assert states(room)[2] == ("18:00", "21:00", "scene", "夜间茶座")
    room.scenes.remove(evening)
    seen.add(token(planned))
    assert states(room) == OPEN_PUBLIC
    evening.delete()
    seen.add(token(planned))
    other.delete()
    seen.add(token(planned))
    assert len(seen) == 9


def test_a_rolled_back_change_leaves_nothing_behind(planned, room):
    before = token(planned)
    with pytest.raises(RuntimeError), transaction.atomic():
        OpeningException.objects.create(
            venue=planned, date=D, opens=None, closes=None, reason="检修"
        )
        assert states(room) == [("00:00", "00:00", "closed", None)]  # its own write
        raise RuntimeError
    assert token(planned) == before
    assert states(room) == OPEN_PUBLIC


def test_saving_a_venue_read_before_a_change_does_not_bring_the_old_schedule_back(planned, room):
    stale = Venue.objects.get(pk=planned.pk)  # e.g. a venue form opened a while ago
    old = stale.schedule_token
    OpeningException.objects.create(venue=planned, date=D, opens=None, closes=None, reason="检修")
    stale.description = "新简介"
    stale.save()
    assert token(planned) != old
    assert states(room) == [("00:00", "00:00", "closed", None)]
