"""Each feed: what it holds (``feed()``) and a cheap fingerprint of it (``stamp()``).

A calendar app asks for a feed every hour or so and almost always nothing has changed.
``stamp()`` answers that with a few aggregates (how many rows, their latest timestamps,
how many check-in windows have closed) instead of building the feed: the ETag is a hash
of them, so a conditional GET is answered with 304 for the price of one or two queries.
Whatever a feed shows must therefore be covered by its stamp:
- events and bookings change only by steps that set a timestamp or a status counted here;
- venue and room names, addresses and schedules are covered by the venue's
  ``schedule_changed_at`` and ``updated_at`` (spaces.schedule renews them);
- time alone changes a feed in two ways, both counted: check-in windows closing (a
  request lapses, a room is released) and the day rolling on (the window of 8 weeks back
  and 26 ahead, and 30 days of keeping cancelled entries, move with the local date).
``FORMAT`` goes into every stamp: change it whenever the output for the same rows changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Count, Max, Q
from django.urls import reverse

from bookings.models import Status
from calendars.ics import Entry
from spaces.hours.compute import local_midnight_utc

FORMAT = "1"
WEEKS_BACK, WEEKS_AHEAD = 8, 26
KEEP_CANCELLED_DAYS = 30


@dataclass(frozen=True)
class Window:
    """The rolling window of a feed, in local dates of ``zone``."""

    today: dt.date
    zone: ZoneInfo
    start: dt.datetime  # UTC: midnight 8 weeks back
    end: dt.datetime  # UTC: midnight 26 weeks ahead
    keep_since: dt.datetime  # UTC: cancelled entries stay this long after cancellation
    midnight: dt.datetime  # UTC: the start of today, the oldest Last-Modified a feed has

    @classmethod
    def at(cls, now: dt.datetime, zone: ZoneInfo) -> Window:
        today = now.astimezone(zone).date()
        return cls(
            today=today,
            zone=zone,
            start=local_midnight_utc(today - dt.timedelta(weeks=WEEKS_BACK), zone),
            end=local_midnight_utc(today + dt.timedelta(weeks=WEEKS_AHEAD), zone),
            keep_since=local_midnight_utc(today - dt.timedelta(days=KEEP_CANCELLED_DAYS), zone),
            midnight=local_midnight_utc(today, zone),
        )


@dataclass(frozen=True)
class Stamp:
    etag: str
    last_modified: dt.datetime


def make_stamp(window: Window, *parts) -> Stamp:
    text = repr((FORMAT, window.today.isoformat(), *parts))
    moments = [window.midnight] + [p for p in parts if isinstance(p, dt.datetime)]
    return Stamp(hashlib.sha256(text.encode()).hexdigest()[:32], max(moments))


def aggregates(qs, *fields: str) -> list:
    """COUNT(*) and MAX(field) of each of ``fields`` over ``qs``, in one query."""
    # COUNT(*), not COUNT(id): PostgreSQL can then answer from an index without the id.
    row = qs.aggregate(n=Count("*"), **{f"m{i}": Max(f) for i, f in enumerate(fields)})
    return [row["n"], *(row[f"m{i}"] for i in range(len(fields)))]


def booking_parts(qs, now: dt.datetime) -> list:
    """What a set of bookings shows, as aggregates: steps with a timestamp, check-ins
    (a status change without one) and check-in windows that have closed."""
    return aggregates(qs, "created_at", "decided_at", "cancelled_at") + [
        qs.filter(status__in=(Status.CHECKED_IN, Status.COMPLETED)).count(),
        *aggregates(qs.filter(checkin_closes_at__lte=now), "checkin_closes_at"),
    ]


def shown(window: Window) -> Q:
    """Bookings that start in the window (cancelled ones are then kept for 30 days after
    they were cancelled: ``kept``, on the built entries)."""
    return Q(starts_at__gte=window.start, starts_at__lt=window.end)


def url_maker(request, name: str):
    """A fast absolute-URL builder for one route: reverse once, then fill in the id."""
    placeholder = 987654321
    path = reverse(name, args=[placeholder])
    base = request.build_absolute_uri(path)
    head, tail = base.split(str(placeholder))
    return lambda key: f"{head}{key}{tail}"


def kept(entry: Entry, window: Window) -> bool:
    return entry.status != "CANCELLED" or entry.modified >= window.keep_since
