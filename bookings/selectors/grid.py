"""The booking grid of a room over a range of dates, computed once per schedule change.

Availability is the grid (every cell of ``slot_minutes`` inside bookable scene time, from
the timeline and the scene's rules) minus what depends on the moment: what holds the room
and the time that is past, inside the notice or beyond the days-ahead window. The grid
depends only on the venue's schedule, which changes rarely and has a token that changes
with it (spaces.schedule): so it is kept per process under (room, dates, token), and a
request that finds it only subtracts. Computing it walks the timeline cell by cell and
cost more than everything else a room-week's availability does (bench/bookings.py).

Each process keeps at most ``SIZE`` grids (a room-week is ~20 kB); an entry under an old
token is never read again and ages out. Nothing needs invalidating across processes:
the token lives in the database.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from ninja.responses import NinjaJSONEncoder

from bookings import rules
from linli.kept import Kept
from scenes.resolution import venue_timelines
from spaces.models import Room, Venue

UTC = dt.UTC
ONE_DAY = dt.timedelta(days=1)
SIZE = 512


@dataclass(frozen=True, slots=True)
class Cell:
    starts_at: dt.datetime  # UTC
    ends_at: dt.datetime
    local_start: dt.datetime  # the venue's zone, for the answer
    local_end: dt.datetime
    day: dt.date  # the local date it starts on (days ahead counts that)
    price_fen: int
    iso: tuple[str, str]  # local_start and local_end as JSON writes them, made once here


@dataclass(frozen=True, slots=True)
class Run:
    """One bookable stretch of one scene (rules.Placement) that starts in the range, with
    its grid cells."""

    placement: rules.Placement
    cells: tuple[Cell, ...]
    # What every slot of the run says about its scene and rules, as the API writes it
    # (bookings.presenters.slots_json): the fields before ``price_fen`` and those after
    # ``longest_minutes``, made once here instead of encoded again for each slot.
    json: tuple[str, str]

    @property
    def rules(self):
        return self.placement.rules


_json_time = DjangoJSONEncoder().default  # what the API's encoder writes for a datetime
_grids = Kept(SIZE)


def _runs(segments, *, start: dt.date, end: dt.date, zone) -> tuple[Run, ...]:
    runs = []
    for run in rules.stretches(segments):
        if not (start <= run.anchor.astimezone(zone).date() < end):
            continue
        r = run.rules
        step = dt.timedelta(minutes=r.slot_minutes)
        # The first cell on the scene's grid (anchored at the scene's start that day) that
        # lies inside the stretch.
        t = run.anchor + step * max(0, -(-(run.start - run.anchor) // step))
        cells = []
        while t + step <= run.end:
            local_start, local_end = t.astimezone(zone), (t + step).astimezone(zone)
            price = rules.price_fen(r, t, t + step) if r.price_per_hour_fen else 0
            iso = (_json_time(local_start), _json_time(local_end))
            cells.append(Cell(t, t + step, local_start, local_end, local_start.date(), price, iso))
            t += step
        runs.append(Run(run, tuple(cells), _run_json(run)))
    return tuple(runs)


def _run_json(placement: rules.Placement) -> tuple[str, str]:
    r, scene = placement.rules, placement.segment.scene
    head = {
        "scene": {"id": scene.pk, "name": scene.name, "kind": r.kind},
        "who_may_book": r.who_may_book,
        "requires_approval": r.requires_approval,
    }
    tail = {"min_duration_minutes": r.min_duration_minutes, "max_people": r.max_people_per_booking}
    return _json_fields(head) + ", ", _json_fields(tail)


def _json_fields(fields: dict) -> str:
    """``fields`` as the members of a JSON object, without its braces, written as
    bookings.presenters writes the whole answer."""
    return json.dumps(fields, cls=NinjaJSONEncoder, ensure_ascii=False)[1:-1]


def room_grids(
    *, venue: Venue, rooms: list[Room], start: dt.date, end: dt.date, token: str
) -> dict[int, tuple[Run, ...]]:
    """Each room's bookable runs starting on the local dates [start, end), for the
    venue's schedule ``token`` (read by the caller before anything else)."""
    found: dict[int, tuple[Run, ...]] = {}
    missing = []
    for room in rooms:
        grid = _grids.get((room.pk, start, end, token))
        if grid is None:
            missing.append(room)
        else:
            found[room.pk] = grid
    if missing:
        # From the day before: a scene that began then may still run after midnight.
        timelines = venue_timelines(venue=venue, start=start - ONE_DAY, end=end, rooms=missing)
        for room in missing:
            grid = _runs(timelines[room.pk], start=start, end=end, zone=venue.zone)
            found[room.pk] = grid
            if token is not None:
                _grids.put((room.pk, start, end, token), grid)
    return found


def clear() -> None:
    """Forget every grid (tests that change a schedule without a new token)."""
    _grids.clear()
