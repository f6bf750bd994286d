"""Check-ins and ratings for the metrics benchmark (``bench_bookings_data --checkins N``).

Visits the way a street's venues see them: every completed booking checked in (one SQL
INSERT ... SELECT), then resident walk-ins and anonymous headcounts up to N check-ins in
all, and ratings for some visits. Residents have a home venue and a habit: a few come
most days, most now and then (a Zipf-like draw), so repeat-visit and return rates are
neither 0 nor 1. Rows go in with one executemany per batch, as the bookings do.
"""

from __future__ import annotations

import datetime as dt
import random
from itertools import accumulate

from django.db import connection

from bookings.models import Status

WALK_IN_SHARE = 0.85  # of the check-ins that are not bookings' (the rest: headcounts)
RATED_SHARE = 0.05

CHECKIN_COLUMNS = (
    "venue_id",
    "room_id",
    "resident_id",
    "visitor",
    "kind",
    "booking_id",
    "headcount",
    "at",
    "local_date",
)
RATING_COLUMNS = (
    "venue_id",
    "resident_id",
    "visitor",
    "local_date",
    "score",
    "comment",
    "created_at",
)


def _insert(table: str, columns: tuple[str, ...], rows: list[tuple]) -> int:
    if rows:
        marks = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
    return len(rows)


def booking_checkins(venue_ids: list[int]) -> int:
    """One check-in per completed booking of the bench venues, at its start."""
    marks = ", ".join(["%s"] * len(venue_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO bookings_checkin ({', '.join(CHECKIN_COLUMNS)}) "
            "SELECT venue_id, room_id, resident_id, visitor, 'booking', id, 1, starts_at, "
            f"local_date FROM bookings_booking WHERE status = %s AND venue_id IN ({marks})",
            [str(Status.COMPLETED), *venue_ids],
        )
        return cursor.rowcount


def walk_ins(
    *,
    rng: random.Random,
    venues: list[tuple[int, object, list[int], dt.date]],  # (id, zone, room ids, closed day)
    users: list[tuple[int, object]],  # (user id, visitor key)
    count: int,
    first: dt.date,
    today: dt.date,
    batch: int,
) -> tuple[int, int]:
    """``count`` walk-in check-ins (resident ones and headcounts) on days in [first,
    today], and ratings for some resident visits; returns (check-ins, ratings)."""
    ops, at = connection.ops, connection.ops.adapt_datetimefield_value
    uuid = connection.features.has_native_uuid_field
    days = (today - first).days + 1
    homes = [rng.randrange(len(venues)) for _ in users]
    # Zipf-like habits: weight 1/rank, so the first residents come often.
    cumulative = list(accumulate(1 / (rank + 1) ** 0.8 for rank in range(len(users))))
    everyone = range(len(users))
    seen: set[tuple[int, int, int]] = set()
    checkins, ratings, made_c, made_r = [], [], 0, 0
    made = 0
    while made < count:
        if rng.random() < WALK_IN_SHARE:
            who = rng.choices(everyone, cum_weights=cumulative)[0]
            place = homes[who] if rng.random() < 0.8 else rng.randrange(len(venues))
            day = rng.randrange(days)
            if (who, place, day) in seen:
                continue
            seen.add((who, place, day))
            resident, key = users[who]
            visitor = key if uuid else key.hex
            headcount = 1
        else:
            place, day = rng.randrange(len(venues)), rng.randrange(days)
            resident = visitor = None
            headcount = rng.randint(1, 8)
        venue_id, zone, rooms, closed = venues[place]
        date = first + dt.timedelta(days=day)
        if date == closed:
            continue
        when = dt.datetime.combine(date, dt.time(9), tzinfo=zone) + dt.timedelta(
            minutes=rng.randrange(12 * 60)
        )
        room = rng.choice(rooms) if rng.random() < 0.5 else None
        kind = "walk_in"
        checkins.append(
            (
                venue_id,
                room,
                resident,
                visitor,
                kind,
                None,
                headcount,
                at(when),
                ops.adapt_datefield_value(date),
            )
        )
        made += 1
        if resident is not None and rng.random() < RATED_SHARE:
            score = rng.choices((1, 2, 3, 4, 5), (2, 3, 10, 35, 50))[0]
            ratings.append(
                (
                    venue_id,
                    resident,
                    visitor,
                    ops.adapt_datefield_value(date),
                    score,
                    "",
                    at(when + dt.timedelta(hours=2)),
                )
            )
        if len(checkins) >= batch:
            made_c += _insert("bookings_checkin", CHECKIN_COLUMNS, checkins)
            made_r += _insert("bookings_rating", RATING_COLUMNS, ratings)
            checkins, ratings = [], []
    made_c += _insert("bookings_checkin", CHECKIN_COLUMNS, checkins)
    made_r += _insert("bookings_rating", RATING_COLUMNS, ratings)
    return made_c, made_r
