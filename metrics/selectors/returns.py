"""30-day return rate and cohort retention (metrics 9 and 10), for one period or for each
period of a series at once.

Both hinge on each visitor's first-ever visit at any venue of the set. One pass over the
visits before the last period's end gives every row its visitor's first visit with window
functions (a subquery per row, looking it up, costs an index probe per check-in instead);
each first visit falls in exactly one period of the series, which decides where the
visitor counts and up to when their later visits do.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence

from django.db import connections
from django.db.models import F, Min, Window

from spaces.models import Venue

from .periods import month_index, month_of
from .sql import DayNumber, MonthNumber, day_number
from .visits import Cohort, rate, visits_of

RETURN_DAYS = 30
Piece = tuple[dt.date, dt.date]


def _case(pieces: Sequence[Piece], values: Sequence[int]) -> str:
    """SQL: the value of the piece the first visit falls in (pieces are contiguous)."""
    whens = " ".join(
        f"WHEN first < {day_number(end)} THEN {int(value)}"
        for (_, end), value in zip(pieces, values, strict=True)
    )
    return f"CASE {whens} END"


def _first_visit_rows(venues: Sequence[Venue], pieces: Sequence[Piece]) -> list[tuple]:
    """Both figures of every piece from one pass over the visits before the last piece's
    end (a CTE read twice): rows ("r", piece, None, None, eligible, returned) for the
    30-day returns and ("c", piece, cohort, month, visitors, None) for the cohorts.

    In the CTE each visit has ``day`` and ``month`` (sql.DayNumber / MonthNumber),
    ``first`` and ``cohort`` (the same of its visitor's first-ever visit at any of
    ``venues``, by window functions), ``piece`` (the index of the piece ``first`` falls
    in) and ``piece_end`` (that piece's end as a day number). Django compiles the inner
    query (each backend's own date functions); the SQL around it is plain and portable,
    with only integers of our own making written into it.
    """
    by_visitor = {"partition_by": [F("visitor")]}
    inner = (
        visits_of(venues)
        .filter(local_date__lt=pieces[-1][1])
        .annotate(day=DayNumber("local_date"), month=MonthNumber("local_date"))
        .annotate(first=Window(Min("day"), **by_visitor), cohort=Window(Min("month"), **by_visitor))
        .values("visitor", "day", "month", "first", "cohort")
    )
    sql, params = inner.query.sql_with_params()
    piece = _case(pieces, range(len(pieces)))
    piece_end = _case(pieces, [day_number(end) for _, end in pieces])
    query = (
        f"WITH u AS (SELECT t.*, {piece} AS piece, {piece_end} AS piece_end"
        f" FROM ({sql}) t WHERE t.first >= {day_number(pieces[0][0])})"
        # 30-day returns: first visits d with d + 30 before the piece's end; back in (d, d+30].
        " SELECT 'r', piece, NULL, NULL, COUNT(DISTINCT visitor), COUNT(DISTINCT CASE"
        f" WHEN day > first AND day <= first + {RETURN_DAYS} THEN visitor END) FROM u"
        f" WHERE first + {RETURN_DAYS} < piece_end GROUP BY piece"
        # Cohorts: visitors per first-visit month and visit month, visits before the end.
        " UNION ALL SELECT 'c', piece, cohort, month, COUNT(DISTINCT visitor), NULL FROM u"
        " WHERE day < piece_end GROUP BY piece, cohort, month"
    )
    with connections[inner.db].cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


def first_visit_figures(
    *, venues: Sequence[Venue], pieces: Sequence[Piece]
) -> list[tuple[float | None, list[Cohort]]]:
    """Per period [start, end) of ``pieces`` (contiguous, in order):

    - the 30-day return rate: of visitors whose first-ever visit d is in it with d + 30
      days before ``end``, the share with another visit on a day in (d, d + 30];
    - the cohorts: visitors by the month of their first-ever visit, for first visits in
      it; ``retention[k]`` is the share with a visit in the k-th month after it, for every
      month that starts before ``end``; visits on or after ``end`` do not count.
    """
    if not venues:
        return [(None, []) for _ in pieces]
    if not pieces:
        return []
    rates: list[float | None] = [None] * len(pieces)
    counts: dict[int, dict[int, dict[int, int]]] = defaultdict(lambda: defaultdict(dict))
    for what, piece, cohort, month, n, returned in _first_visit_rows(venues, pieces):
        if what == "r":
            rates[int(piece)] = rate(returned, n)
        else:
            counts[int(piece)][int(cohort)][int(month) - int(cohort)] = n
    result = []
    for i, (_, end) in enumerate(pieces):
        last_month = month_index(end - dt.timedelta(days=1))  # the last starting before end
        cohorts = []
        for cohort, by_k in sorted(counts[i].items()):
            size = by_k.get(0, 0)
            retention = tuple(rate(by_k.get(k, 0), size) for k in range(last_month - cohort + 1))
            cohorts.append(Cohort(month_of(cohort).strftime("%Y-%m"), size, retention))
        result.append((rates[i], cohorts))
    return result


def return_30d_rate(*, venues: Sequence[Venue], start: dt.date, end: dt.date) -> float | None:
    return first_visit_figures(venues=venues, pieces=[(start, end)])[0][0]


def cohorts(*, venues: Sequence[Venue], start: dt.date, end: dt.date) -> list[Cohort]:
    return first_visit_figures(venues=venues, pieces=[(start, end)])[0][1]
