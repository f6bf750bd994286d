"""Booked room-hours inside open hours (metric 4's numerator), summed in the database.

Bookings are aggregated per local date of the venue first: their summed length, first
start and last end. A day whose bookings all lie inside one interval of the time every
room of the venue is open, within the date, with no overlap (nearly all days: rooms
mostly share their hours) adds its sum as it is. The other days are aggregated per
(room, local date) and a room-day whose bookings lie inside one open interval of that
room and within its date adds its sum. Only the rest are clipped exactly: spans reaching
outside the open hours (history imported under other hours, time closed since) or past
midnight, and room-days where bookings overlap (a no-show's time taken by someone else:
booked time is counted once). A venue's room-days are ~4,000 a year against its ~365
days: reading days first keeps the rows Python sees to a few hundred.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, Max, Min, Sum, Window
from django.db.models.expressions import RowRange

from bookings.models import Booking
from bookings.states import were_confirmed_q
from spaces.hours.compute import intersect, local_midnight_utc, merge
from spaces.models import Venue

from .periods import ONE_DAY, Pair, bounds, by_local_day
from .sql import EPOCH, DayNumber, EpochSeconds, Seconds

Key = tuple[int, dt.date]  # (room id, local date)


def _epoch(at: dt.datetime) -> int:
    return int(at.timestamp())


def _inside_one(first: int, last: int, opens: list[tuple[int, int]]) -> bool:
    """[first, last] (epoch seconds) lies in one of ``opens`` (sorted, disjoint)."""
    i = bisect.bisect_right(opens, (first, float("inf"))) - 1
    return i >= 0 and opens[i][0] <= first and last <= opens[i][1]


def _overlapping(bookings) -> set[Key]:
    """Room-days holding a booking that starts before an earlier one of its room ends
    (and the day before, where that earlier one may have started)."""
    earlier_end = Window(
        Max("ends_at"),
        partition_by=[F("room_id")],
        order_by=[F("starts_at").asc(), F("pk").asc()],
        frame=RowRange(start=None, end=-1),
    )
    rows = (
        bookings.annotate(earlier_end=earlier_end)
        .filter(starts_at__lt=F("earlier_end"))
        .values_list("room_id", "local_date")
    )
    keys: set[Key] = set()
    for room_id, day in rows:
        keys.update({(room_id, day), (room_id, day - ONE_DAY)})
    return keys


def _fetch(bookings, *, by_room: bool) -> list[tuple]:
    """Per local date, or per (room, local date) with ``by_room``: the day number, the
    summed length in seconds, the first start and the last end in epoch seconds."""
    # Instants as epoch seconds and dates as day numbers (sql.py), fetched by the cursor
    # without Django's per-value converters: thousands of rows a venue-year, and
    # converting them cost more than the query.
    keys = ["room_id", "day"] if by_room else ["day"]
    query = (
        bookings.annotate(day=DayNumber("local_date"))
        .values(*keys)
        .annotate(
            length=Sum(Seconds("ends_at", "starts_at")),
            first=EpochSeconds(Min("starts_at")),
            last=EpochSeconds(Max("ends_at")),
        )
        .values_list(*keys, "length", "first", "last")
    )
    try:
        sql, params = query.query.sql_with_params()
    except EmptyResultSet:
        return []
    with connections[query.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def booked_by_day(
    *, venue: Venue, start: dt.date, end: dt.date, opens: dict[int, list[Pair]]
) -> dict[dt.date, float]:
    """Seconds of booked time inside each room's open intervals ``opens`` (merged, UTC,
    within the period), per local date where it falls."""
    zone = venue.zone
    lo, hi = bounds(start, end, zone)
    # A booking in a room without open time (not in ``opens``) adds nothing either way.
    bookings = Booking.objects.filter(
        were_confirmed_q(), venue=venue, room_id__in=list(opens), starts_at__lt=hi, ends_at__gt=lo
    ).order_by()
    result: dict[dt.date, float] = defaultdict(float)
    whole_days = _fetch(bookings, by_room=False)
    overlapping = _overlapping(bookings) if whole_days else set()
    midnights: dict[int, int] = {}

    def midnight(number: int) -> int:
        if number not in midnights:
            midnights[number] = _epoch(local_midnight_utc(EPOCH + dt.timedelta(number), zone))
        return midnights[number]

    # Inside one interval of the time all rooms are open is inside the open time of each.
    common: list[Pair] | None = None
    for pairs in {id(pairs): pairs for pairs in opens.values()}.values():
        common = pairs if common is None else intersect(common, pairs)
    epoch_common = [(_epoch(s), _epoch(e)) for s, e in common or []]
    overlapping_days = {day for _, day in overlapping}
    other_days = []
    for number, length, first, last in whole_days:
        day = EPOCH + dt.timedelta(number)
        if (
            day not in overlapping_days
            and last <= midnight(number + 1)
            and first >= midnight(number)
            and _inside_one(first, last, epoch_common)
        ):
            result[day] += float(length)  # PostgreSQL's SUM of integers is numeric
        else:
            other_days.append(day)
    room_days = (
        _fetch(bookings.filter(local_date__in=other_days), by_room=True) if other_days else []
    )
    exact: set[Key] = set()
    epoch_opens: dict[int, list[tuple[int, int]]] = {}  # by id(): rooms share their lists
    for room_id, number, length, first, last in room_days:
        day = EPOCH + dt.timedelta(number)
        key = (room_id, day)
        pairs = opens.get(room_id, [])
        if id(pairs) not in epoch_opens:
            epoch_opens[id(pairs)] = [(_epoch(s), _epoch(e)) for s, e in pairs]
        fast = (
            key not in overlapping
            and last <= midnight(number + 1)
            and first >= midnight(number)
            and _inside_one(first, last, epoch_opens[id(pairs)])
        )
        if fast:
            result[day] += float(length)  # PostgreSQL's SUM of integers is numeric
        else:
            exact.add(key)
    if exact:
        rows = bookings.filter(
            room_id__in={room for room, _ in exact}, local_date__in={day for _, day in exact}
        ).values_list("room_id", "local_date", "starts_at", "ends_at")
        booked: dict[int, list[Pair]] = defaultdict(list)
        for room_id, day, s, e in rows:
            if (room_id, day) in exact:
                booked[room_id].append((s, e))
        for room_id, pairs in booked.items():
            for s, e in intersect(merge(pairs), opens.get(room_id, [])):
                for day, (ps, pe) in by_local_day(s, e, zone):
                    result[day] += (pe - ps).total_seconds()
    return result
