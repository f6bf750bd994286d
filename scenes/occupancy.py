"""What else occupies a room, for apps above scenes to declare (a registry).

An event needs its room to itself. scenes knows its own events; bookings (a higher app)
registers what its bookings hold, so publishing an event over a resident's booking is
refused exactly like publishing over another event::

    from scenes.occupancy import register_room_occupancy

    def booked(*, room, starts_at, ends_at, now) -> str | None:
        # a description for the operator ("居民预约 10:00-11:00"), or None when free
        ...

    register_room_occupancy("bookings", booked)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

Finder = Callable[..., str | None]
_PROVIDERS: dict[str, Finder] = {}


def register_room_occupancy(name: str, find: Finder) -> None:
    _PROVIDERS[name] = find


def room_occupied(
    *, room, starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime
) -> str | None:
    """The first registered occupant of ``room`` over [starts_at, ends_at), described."""
    for find in _PROVIDERS.values():
        found = find(room=room, starts_at=starts_at, ends_at=ends_at, now=now)
        if found:
            return found
    return None
