"""Periods of local dates and the instants that bound them in each venue's zone.

Every metric takes [start, end) of local dates; time counts where it falls, between
``start`` 00:00 and ``end`` 00:00 in the venue's zone (DOMAIN.md, "Metric definitions").
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from zoneinfo import ZoneInfo

from django.db.models import Q

from spaces.hours.compute import local_midnight_utc
from spaces.models import Venue

ONE_DAY = dt.timedelta(days=1)
UTC = dt.UTC
BY_WEEK, BY_MONTH = "week", "month"

Pair = tuple[dt.datetime, dt.datetime]  # UTC


def bounds(start: dt.date, end: dt.date, zone: ZoneInfo) -> Pair:
    """[start 00:00, end 00:00) local, in UTC."""
    return local_midnight_utc(start, zone), local_midnight_utc(end, zone)


def by_local_day(s: dt.datetime, e: dt.datetime, zone: ZoneInfo) -> Iterator[tuple[dt.date, Pair]]:
    """The UTC interval [s, e) cut at local midnights: (local date, piece) in order."""
    day = s.astimezone(zone).date()
    while s < e:
        cut = min(e, local_midnight_utc(day + ONE_DAY, zone))
        if cut > s:
            yield day, (s, cut)
        s, day = max(s, cut), day + ONE_DAY


def overlap(a: Pair, b: Pair) -> float:
    """Seconds [a) and [b) share."""
    return max(0.0, (min(a[1], b[1]) - max(a[0], b[0])).total_seconds())


def measure(pairs: Iterable[Pair]) -> float:
    return sum((e - s).total_seconds() for s, e in pairs)


def instants_in_period_q(
    field: str, venues: Iterable[Venue], start: dt.date, end: dt.date, venue_field: str = "venue_id"
) -> Q:
    """Rows whose instant ``field`` falls in the period of its own venue's zone."""
    by_zone: dict[str, list[int]] = defaultdict(list)
    for venue in venues:
        by_zone[venue.time_zone].append(venue.pk)
    q = Q(pk__in=[])
    for zone_name, ids in by_zone.items():
        lo, hi = bounds(start, end, ZoneInfo(zone_name))
        q |= Q(**{f"{venue_field}__in": ids, f"{field}__gte": lo, f"{field}__lt": hi})
    return q


def next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def split(start: dt.date, end: dt.date, by: str) -> list[tuple[dt.date, dt.date]]:
    """[start, end) cut at Mondays (``week``) or at firsts of the month (``month``); the
    first and last pieces are partial when the period does not begin or end on one."""
    pieces = []
    day = start
    while day < end:
        if by == BY_WEEK:
            cut = day + dt.timedelta(days=7 - day.weekday())
        elif by == BY_MONTH:
            cut = next_month(day)
        else:
            raise ValueError(f"unknown period {by!r}")
        pieces.append((day, min(cut, end)))
        day = cut
    return pieces


def month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def month_of(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


def subtract(a: list[Pair], b: list[Pair]) -> list[Pair]:
    """a minus b, both merged (sorted, disjoint)."""
    result: list[Pair] = []
    j = 0
    for s, e in a:
        while j < len(b) and b[j][1] <= s:
            j += 1
        k = j
        while s < e and k < len(b) and b[k][0] < e:
            if b[k][0] > s:
                result.append((s, b[k][0]))
            s = max(s, b[k][1])
            k += 1
        if s < e:
            result.append((s, e))
    return result
