"""Late-closed room-hours (metric 12): open time that late closures took away.

A closure is late when the exception, or the closed scene, that removes open time was
created less than 7 days before the local date it affects (exactly 7 is on time); a
recurring closed scene is judged date by date. The hours that would be open without the
late closures come from the same timeline, computed again without them (the exception rows
left out of the hours, the late occurrences out of the scenes). Exceptions saved before
``OpeningException.created_at`` existed (null) count as on time.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import replace

from scenes.models import SceneKind
from scenes.resolution import VenueData
from spaces.hours.rules import load_rules
from spaces.models import OpeningException, Room

from .periods import ONE_DAY, Pair, by_local_day, subtract

NOTICE_DAYS = 7


def is_late(*, affects: dt.date, created_at: dt.datetime | None, zone) -> bool:
    if created_at is None:
        return False
    return (affects - created_at.astimezone(zone).date()).days < NOTICE_DAYS


def late_closed_by_day(
    ctx: VenueData, *, opens: dict[int, list[Pair]], rooms: list[tuple[Room, int]] | None = None
) -> dict[dt.date, float]:
    """Seconds per local date that would be open without the late closures, given each
    room's actual open time ``opens`` (merged UTC intervals of ``ctx``'s timelines).
    ``rooms``: (room, how many rooms share its timeline) (hours.same_timelines); default
    every room once."""
    from .hours import open_pairs

    zone = ctx.zone
    exceptions = OpeningException.objects.filter(
        venue=ctx.venue, date__gte=ctx.start - ONE_DAY, date__lt=ctx.end, created_at__isnull=False
    ).values_list("pk", "date", "created_at")
    late_exceptions = [
        pk for pk, day, created in exceptions if is_late(affects=day, created_at=created, zone=zone)
    ]
    kept = [
        o
        for o in ctx.occurrences
        if not (
            o.scene.kind == SceneKind.CLOSED
            and is_late(affects=o.date, created_at=o.scene.created_at, zone=zone)
        )
    ]
    if not late_exceptions and len(kept) == len(ctx.occurrences):
        return {}
    hours = ctx.hours
    if late_exceptions:
        hours = load_rules(
            venue=ctx.venue, start=ctx.start, end=ctx.end, without_exceptions=late_exceptions
        )
    without = replace(ctx, hours=hours, occurrences=kept)
    result: dict[dt.date, float] = defaultdict(float)
    for room, count in rooms if rooms is not None else [(r, 1) for r in ctx.rooms]:
        would = open_pairs(without.timeline(room))
        for s, e in subtract(would, opens.get(room.pk, [])):
            for day, (ps, pe) in by_local_day(s, e, zone):
                result[day] += (pe - ps).total_seconds() * count
    return result
