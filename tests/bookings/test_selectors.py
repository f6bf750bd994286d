"""The availability's grid cache (bookings.selectors.grid): computed once per schedule
token, never served after the schedule changed."""

from __future__ import annotations

import datetime as dt

import pytest

from bookings.selectors import grid
from bookings.selectors.availability import room_availability
from scenes.models import Scene
from spaces.schedule import schedule_changed
from tests.bookings.conftest import at

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 12, 2)


def starts(room):
    return [s.starts_at for s in room_availability(room=room, start=DAY, end=DAY + dt.timedelta(1))]


def test_a_scene_saved_with_another_grid_changes_the_slots_at_once(frozen, scenes, room):
    public, _commercial = scenes
    assert starts(room)[:3] == [at(2, 9), at(2, 9, 30), at(2, 10)]
    public.slot_minutes = 60
    public.save()  # a new schedule token: the cached grid is not read again
    assert starts(room)[:3] == [at(2, 9), at(2, 10), at(2, 11)]


def test_a_bulk_write_that_announces_itself_is_seen(frozen, scenes, room, venue):
    public, _commercial = scenes
    assert starts(room)[0] == at(2, 9)
    Scene.objects.filter(pk=public.pk).update(slot_minutes=60)  # no signal
    assert starts(room)[1] == at(2, 9, 30)  # the same token: the cached grid (documented)
    schedule_changed(venue.pk)  # what bulk writers call (spaces.schedule)
    assert starts(room)[1] == at(2, 10)


def test_the_cache_keeps_at_most_its_size(frozen, scenes, room, monkeypatch):
    monkeypatch.setattr(grid._grids, "size", 2)
    grid.clear()
    for offset in range(4):
        day = DAY + dt.timedelta(offset)
        room_availability(room=room, start=day, end=day + dt.timedelta(1))
    assert len(grid._grids) == 2


def test_the_pre_encoded_slots_are_what_json_dumps_writes(frozen, scenes, room):
    # Both scenes (a free and a paid one, cells that can start and ones too short to), a
    # held cell among them: the API's slot list is exactly slot_payload's JSON.
    import json

    from ninja.responses import NinjaJSONEncoder

    from bookings.presenters import slot_payload, slots_json
    from bookings.services.bookings import booking_create
    from tests.factories import ResidentFactory

    booking_create(
        user=ResidentFactory(),
        room=room,
        starts_at=at(2, 10),
        ends_at=at(2, 11),
        people=2,
        purpose="议事",
    )
    slots = room_availability(room=room, start=DAY, end=DAY + dt.timedelta(2))
    assert {s.kind for s in slots} == {"public", "commercial"}
    assert {s.can_start for s in slots} == {True, False}
    expected = json.dumps(
        [slot_payload(s) for s in slots], cls=NinjaJSONEncoder, ensure_ascii=False
    )
    assert slots_json(slots) == expected
    assert slots_json([]) == "[]"
