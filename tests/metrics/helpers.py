"""Helpers for hand-computed metrics: days, Shanghai instants, check-ins and ratings
written directly (the figures read rows; how they were recorded is bookings' business)."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from bookings.models import CheckIn, Rating
from metrics.selectors import metrics_for

SH = ZoneInfo("Asia/Shanghai")


def d(month: int, day: int, year: int = 2026) -> dt.date:
    return dt.date(year, month, day)


def at(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SH)


def figures(venues, start: dt.date, end: dt.date):
    return metrics_for(venues=list(venues), start=start, end=end)


def visit(venue, visitor: uuid.UUID | None, day: dt.date, *, kind="walk_in", hour=10, **fields):
    """A check-in on ``day`` (venue-local) at ``hour``; ``visitor`` None: anonymous."""
    instant = dt.datetime.combine(day, dt.time(hour), tzinfo=venue.zone)
    return CheckIn.objects.create(
        venue=venue, visitor=visitor, kind=kind, at=instant, local_date=day, **fields
    )


def rating(venue, visitor: uuid.UUID, day: dt.date, score: int) -> Rating:
    return Rating.objects.create(
        venue=venue,
        visitor=visitor,
        local_date=day,
        score=score,
        created_at=dt.datetime.combine(day, dt.time(20), tzinfo=venue.zone),
    )
