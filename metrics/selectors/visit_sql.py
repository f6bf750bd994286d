"""Visits, visitors, 30-day returns and cohorts (metrics 6-10) as set-based SQL.

Why raw SQL: the definitions hinge on each resident's *first-ever* visit. Expressed in
the ORM that is a correlated subquery per check-in row (``MIN(local_date)`` of the same
visitor), which SQLite plans as a scan of every earlier check-in of the venue per row:
minutes for a venue-year of a million check-ins. Here each query reads the venue set's
check-ins once, grouped by visitor over the covering index (visitor, local_date, venue)
(``bookings_checkin_visitor_day``), and derives the first visit with ``MIN`` (an aggregate,
or a window over the grouped rows). Everything is counted in the database; Python only
receives a few rows per day, period or cohort.

Every query takes the *pieces* of a period (``periods.split``, or the whole period as
one piece) so that ``metrics_series`` reads the rows once, not once per week or month:
figures additive by day come back per local date, the others per piece, through a
``CASE`` that buckets ``local_date`` (nested as a binary search, so a year of weeks
costs a handful of comparisons per row, not fifty). A single period (``metrics_for``) is
read once for visitors, returns and cohorts together (``period_figures``: one row per
visitor, grouped in index order).

Vendor-neutral but for a date plus 30 days (``sql.raw``). Dates come back as ``datetime.date`` on PostgreSQL
and ISO text on SQLite; ``_day`` reads both.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from django.db import connection

from bookings.models import CheckIn
from spaces.models import Venue

from .sql import raw

Piece = tuple[dt.date, dt.date]
RETURN_DAYS = 30
# cell = piece * CELL + month offset: ordered as the dates are (a year spans 13 months)
CELL = 1000


def _table() -> str:
    return connection.ops.quote_name(CheckIn._meta.db_table)


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _run(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _venues_sql(ids: Sequence[int], *, by_visitor: bool = False) -> tuple[str, list]:
    """The venue filter; ``by_visitor`` for a query grouped by visitor over most venues:
    on SQLite the filter then reads ``+venue_id``, which keeps the planner off the venue
    index, so the rows are read in visitor order from the covering (visitor, local_date,
    venue) index and grouped as they come, instead of sorted (a temporary B-tree over
    every check-in: most of the time of a street's figures). PostgreSQL plans it itself."""
    column = "venue_id"
    if by_visitor and connection.vendor == "sqlite" and _most_venues(ids):
        column = "+venue_id"
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", list(ids)


def _most_venues(ids: Sequence[int]) -> bool:
    """More than a quarter of all venues: reading every check-in in visitor order then
    costs less than sorting the set's."""
    return len(ids) > 1 and len(ids) * 4 > Venue.objects.count()


def _bucket(column: str, bounds: list[dt.date], values: list[int], below: int) -> tuple[str, list]:
    """SQL for the value of ``column``'s bucket: ``values[i]`` when bounds[i] <= column <
    bounds[i + 1] (``bounds`` sorted, one more than ``values``); ``below`` before
    bounds[0]. Callers filter ``column < bounds[-1]``. A nested CASE: a binary search."""

    def within(lo: int, hi: int) -> tuple[str, list]:  # buckets lo..hi-1, column >= bounds[lo]
        if hi - lo == 1:
            return "%s", [values[lo]]
        mid = (lo + hi) // 2
        left, lp = within(lo, mid)
        right, rp = within(mid, hi)
        return f"CASE WHEN {column} < %s THEN {left} ELSE {right} END", [bounds[mid], *lp, *rp]

    inner, params = within(0, len(values))
    return f"CASE WHEN {column} < %s THEN %s ELSE {inner} END", [bounds[0], below, *params]


def _piece_of(pieces: Sequence[Piece], day: dt.date) -> int | None:
    for i, (s, e) in enumerate(pieces):
        if s <= day < e:
            return i
    return None


def visits_by_day(ids: Sequence[int], start: dt.date, end: dt.date) -> dict[dt.date, int]:
    """Visits (distinct visitor, venue, local date) per local date of [start, end)."""
    venues, params = _venues_sql(ids)
    # Visitors per (venue, date) first: read in the order of the (venue, local_date,
    # visitor) index, so only the few thousand venue-days are sorted, not every visit.
    rows = _run(
        f"SELECT local_date, SUM(n) FROM (SELECT local_date, COUNT(DISTINCT visitor) AS n"
        f" FROM {_table()} WHERE {venues} AND visitor IS NOT NULL"
        f" AND local_date >= %s AND local_date < %s GROUP BY venue_id, local_date) v"
        f" GROUP BY local_date",
        [*params, start, end],
    )
    return {_day(day): int(n) for day, n in rows}


def headcount_by_day(ids: Sequence[int], start: dt.date, end: dt.date) -> dict[dt.date, int]:
    """Anonymous walk-ins' headcount per local date of [start, end)."""
    venues, params = _venues_sql(ids)
    rows = _run(
        f"SELECT local_date, SUM(headcount) FROM {_table()} WHERE {venues}"
        f" AND visitor IS NULL AND kind = %s AND local_date >= %s AND local_date < %s"
        f" GROUP BY local_date",
        [*params, CheckIn.Kind.WALK_IN, start, end],
    )
    return {_day(day): int(n) for day, n in rows}


def visitors_by_piece(ids: Sequence[int], pieces: Sequence[Piece]) -> list[tuple[int, int]]:
    """Per piece: (unique visitors, those with visits on 2+ distinct local dates in it)."""
    venues, params = _venues_sql(ids)
    bounds = [s for s, _ in pieces] + [pieces[-1][1]]
    piece, piece_params = _bucket("local_date", bounds, list(range(len(pieces))), -1)
    rows = _run(
        f"SELECT piece, COUNT(*), SUM(CASE WHEN dates >= 2 THEN 1 ELSE 0 END) FROM ("
        f" SELECT visitor, {piece} AS piece, COUNT(DISTINCT local_date) AS dates"
        f" FROM {_table()} WHERE {venues} AND visitor IS NOT NULL"
        f" AND local_date >= %s AND local_date < %s GROUP BY 1, 2) p"
        f" GROUP BY piece",
        [*piece_params, *params, bounds[0], bounds[-1]],
    )
    result = [(0, 0)] * len(pieces)
    for i, unique, repeat in rows:
        result[i] = (unique, int(repeat or 0))
    return result


def returns_by_first_day(
    ids: Sequence[int], start: dt.date, last: dt.date, end: dt.date
) -> dict[dt.date, tuple[int, int]]:
    """Per day d of [start, last]: (residents whose first-ever visit is d, those of them
    with another visit on a day in (d, d + 30]). ``end`` bounds the search for first
    visits (a first visit on or after it is nobody's in the period)."""
    venues, params = _venues_sql(ids)
    by_visitor, _ = _venues_sql(ids, by_visitor=True)
    window_end = raw("plus_days", "f.first", RETURN_DAYS)
    rows = _run(
        f"SELECT f.first, COUNT(*), SUM(CASE WHEN EXISTS (SELECT 1 FROM {_table()} c"
        f" WHERE c.visitor = f.visitor AND c.local_date > f.first"
        f" AND c.local_date <= {window_end} AND c.{venues}) THEN 1 ELSE 0 END)"
        f" FROM (SELECT visitor, MIN(local_date) AS first FROM {_table()}"
        f" WHERE {by_visitor} AND visitor IS NOT NULL AND local_date < %s GROUP BY visitor) f"
        f" WHERE f.first >= %s AND f.first <= %s GROUP BY f.first",
        [*params, *params, end, start, last],
    )
    return {_day(day): (n, int(back or 0)) for day, n, back in rows}


def _month_index(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


def cohort_counts(ids: Sequence[int], pieces: Sequence[Piece]) -> list[dict[str, dict[str, int]]]:
    """Per piece: {cohort "YYYY-MM": {visit month "YYYY-MM": residents}}, for residents
    whose first-ever visit is in the piece, and their visits in that same piece."""
    venues, params = _venues_sql(ids)
    # Cells: the pieces cut at the firsts of months; cell value piece * CELL + month offset.
    start, end = pieces[0][0], pieces[-1][1]
    base = _month_index(start)
    bounds, values = [], []
    for i, (s, e) in enumerate(pieces):
        day = s
        while day < e:
            bounds.append(day)
            values.append(i * CELL + _month_index(day) - base)
            day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    bounds.append(end)
    cell, cell_params = _bucket("local_date", bounds, values, -1)
    rows = _run(
        f"SELECT first_cell, cell, COUNT(*) FROM ("
        f" SELECT cell, MIN(cell) OVER (PARTITION BY visitor) AS first_cell FROM ("
        f"  SELECT visitor, {cell} AS cell FROM {_table()}"
        f"  WHERE {venues} AND visitor IS NOT NULL AND local_date < %s"
        f"  GROUP BY 1, 2) vc) f"
        f" WHERE first_cell >= 0 AND cell / {CELL} = first_cell / {CELL}"
        f" GROUP BY first_cell, cell",
        [*cell_params, *params, end],
    )
    result: list[dict[str, dict[str, int]]] = [defaultdict(dict) for _ in pieces]

    def month(offset: int) -> str:
        index = base + offset
        return f"{index // 12:04d}-{index % 12 + 1:02d}"

    for first_cell, c, n in rows:
        piece, cohort, visited = first_cell // CELL, first_cell % CELL, c % CELL
        result[piece][month(cohort)][month(visited)] = n
    return result


# A period of up to this many months is counted per visitor in one pass (``period_figures``):
# the months each visitor came in are the bits of one 64-bit integer.
MASK_MONTHS = 62


def month_bounds(start: dt.date, end: dt.date) -> list[dt.date]:
    """[start, firsts of the months after it, end]: the months of the period, cut to it."""
    bounds = [start]
    while True:
        day = bounds[-1]
        cut = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        if cut >= end:
            return [*bounds, end]
        bounds.append(cut)


def period_figures(
    ids: Sequence[int], start: dt.date, end: dt.date
) -> tuple[tuple[int, int], dict[dt.date, tuple[int, int]], dict[str, dict[str, int]]]:
    """Unique and repeat visitors, returns by first day (as ``returns_by_first_day``, for
    every first day of the period; only those up to ``end`` - 31 days are eligible and
    have returns) and cohorts (as ``cohort_counts``) of one period of at most
    ``MASK_MONTHS`` months, in one read of the check-ins.

    One row per visitor, grouped as the rows come in visitor order (``_venues_sql``):
    the first-ever visit (MIN before ``end``), the first and last visits in the period
    (two local dates or more when they differ) and the months visited in it, as the sum
    of the distinct powers of two of the months. Those rows are then summed per first
    day in the database: Python gets one row per first day in the period and one for the
    rest."""
    venues, params = _venues_sql(ids)
    by_visitor, _ = _venues_sql(ids, by_visitor=True)
    bounds = month_bounds(start, end)
    months = len(bounds) - 1
    bit, bit_params = _bucket("local_date", bounds, [1 << k for k in range(months)], 0)
    last = end - dt.timedelta(days=RETURN_DAYS + 1)
    window_end = raw("plus_days", "v.first", RETURN_DAYS)
    bits = "".join(f", SUM((v.mask >> {k}) & 1)" for k in range(months))
    rows = _run(
        f"SELECT CASE WHEN v.first >= %s THEN v.first END, COUNT(*),"
        f" SUM(CASE WHEN v.lo IS NOT NULL THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN v.lo < v.hi THEN 1 ELSE 0 END),"
        f" SUM(CASE WHEN v.first >= %s AND v.first <= %s AND EXISTS (SELECT 1 FROM {_table()} c"
        f" WHERE c.visitor = v.visitor AND c.local_date > v.first"
        f" AND c.local_date <= {window_end} AND c.{venues}) THEN 1 ELSE 0 END){bits}"
        f" FROM (SELECT visitor, MIN(local_date) AS first,"
        f" MIN(CASE WHEN local_date >= %s THEN local_date END) AS lo, MAX(local_date) AS hi,"
        f" CAST(SUM(DISTINCT {bit}) AS BIGINT) AS mask FROM {_table()}"
        f" WHERE {by_visitor} AND visitor IS NOT NULL AND local_date < %s GROUP BY visitor) v"
        f" GROUP BY 1",
        [start, start, last, *params, start, *bit_params, *params, end],
    )
    unique = repeat = 0
    returns: dict[dt.date, tuple[int, int]] = {}
    cohorts: dict[str, dict[str, int]] = defaultdict(dict)
    base = _month_index(start)

    def month(offset: int) -> str:
        index = base + offset
        return f"{index // 12:04d}-{index % 12 + 1:02d}"

    for day, n, seen, again, back, *visited in rows:
        unique += int(seen)
        repeat += int(again)
        if day is None:  # first visits before the period: no cohort, no return
            continue
        day = _day(day)
        returns[day] = (n, int(back))
        cohort = cohorts[month(_month_index(day) - base)]
        for k, count in enumerate(visited):
            if count:
                cohort[month(k)] = cohort.get(month(k), 0) + int(count)
    return (unique, repeat), returns, cohorts
