"""Show rate, visits, visitors, 30-day returns, cohorts and satisfaction (metrics 5-11);
the SQL of 6-10 is in ``visit_sql``.

All counted in the database. A visit is a distinct (visitor, venue, local date) with a
check-in; ``CheckIn.visitor`` is the resident's pseudonym (bookings.models.Visitor), which
outlives a deleted account, so accounts are never counted. Anonymous walk-ins (no visitor,
a headcount) are only the walk-in headcount. Local dates are the venue's (``local_date``
of each row), so a set of venues in several zones still compares like with like.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import (
    Avg,
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Value,
    When,
)

from bookings.models import Booking, CheckIn, Rating
from bookings.states import were_confirmed_q
from spaces.models import Venue

from . import visit_sql as sql
from .periods import bounds, instants_in_period_q, month_index, month_of
from .visit_sql import RETURN_DAYS


def rate(part: int | float, whole: int | float) -> float | None:
    """part / whole; None (not 0, not an error) when there is no denominator."""
    return part / whole if whole else None


@dataclass(frozen=True, slots=True)
class Cohort:
    month: str  # "YYYY-MM" of the first-ever visit
    size: int
    retention: tuple[float | None, ...]  # [k]: share with a visit k months later


@dataclass(frozen=True, slots=True)
class Satisfaction:
    mean: float | None
    share_4_5: float | None
    count: int


def _ids(venues: Sequence[Venue]) -> list[int]:
    return [v.pk for v in venues]


def _in_period(start: dt.date, end: dt.date) -> Q:
    return Q(local_date__gte=start, local_date__lt=end)


def show_rate(*, venues: Sequence[Venue], start: dt.date, end: dt.date) -> float | None:
    """Of bookings that were confirmed and end in the period, the share with a check-in."""
    return show_rates(venues=venues, pieces=[(start, end)])[0]


def show_rates(
    *, venues: Sequence[Venue], pieces: Sequence[tuple[dt.date, dt.date]]
) -> list[float | None]:
    """``show_rate`` of each of consecutive ``pieces``, counted in one query per time zone
    of the venues (each booking bucketed by the piece its end falls in) instead of one
    per piece: bookings have no index on their end, and each query read them all."""
    counts = [[0, 0] for _ in pieces]
    if not pieces:
        return []
    by_zone: dict[str, list[Venue]] = defaultdict(list)
    for venue in venues:
        by_zone[venue.time_zone].append(venue)
    for zone_venues in by_zone.values():
        zone = zone_venues[0].zone
        cuts = [bounds(s, e, zone) for s, e in pieces]
        piece = Case(
            *(When(ends_at__lt=hi, then=Value(i)) for i, (_lo, hi) in enumerate(cuts)),
            output_field=IntegerField(),
        )
        rows = (
            Booking.objects.filter(were_confirmed_q())
            .filter(instants_in_period_q("ends_at", zone_venues, pieces[0][0], pieces[-1][1]))
            .order_by()
            .annotate(piece=piece)
            .values("piece")
            .annotate(
                confirmed=Count("pk"),
                shown=Count("pk", filter=Exists(CheckIn.objects.filter(booking=OuterRef("pk")))),
            )
            .values_list("piece", "confirmed", "shown")
        )
        for i, confirmed, shown in rows:
            counts[i][0] += confirmed
            counts[i][1] += shown
    return [rate(shown, confirmed) for confirmed, shown in counts]


def visit_counts(*, venues: Sequence[Venue], start: dt.date, end: dt.date) -> dict[str, int]:
    """visits, unique_visitors, repeat_visitors (2+ local dates at any venue of the set)
    and walk_in_headcount."""
    basis = VisitBasis.load(venues=venues, pieces=[(start, end)], returns=False, cohorts=False)
    return basis.counts(0)


def return_30d_rate(*, venues: Sequence[Venue], start: dt.date, end: dt.date) -> float | None:
    """Of visitors whose first-ever visit d is in the period with d + 30 days before
    ``end``, the share with another visit on a day in (d, d + 30]."""
    basis = VisitBasis.load(venues=venues, pieces=[(start, end)], counts=False, cohorts=False)
    return basis.return_30d_rate(0)


def cohorts(*, venues: Sequence[Venue], start: dt.date, end: dt.date) -> list[Cohort]:
    """Visitors by the month of their first-ever visit, for first visits in the period;
    ``retention[k]`` is the share with a visit in the k-th month after it, for every month
    that starts before ``end``; visits on or after ``end`` do not count."""
    basis = VisitBasis.load(venues=venues, pieces=[(start, end)], counts=False, returns=False)
    return basis.cohorts(0)


@dataclass
class VisitBasis:
    """Metrics 6-10 of consecutive pieces of a period (``periods.split``, or the whole
    period as one piece), read once for all of them (metrics.selectors.visit_sql): visits
    and walk-in headcount per local date, visitors per piece, 30-day returns per first
    visit day, cohorts per piece. Each piece is a period of its own: its returns and
    cohorts look no further than its own end."""

    pieces: list[tuple[dt.date, dt.date]]
    visits: dict[dt.date, int]
    headcount: dict[dt.date, int]
    visitors: list[tuple[int, int]]
    returns: dict[dt.date, tuple[int, int]]
    cohort_counts: list[dict[str, dict[str, int]]]

    @classmethod
    def load(
        cls,
        *,
        venues: Sequence[Venue],
        pieces: list[tuple[dt.date, dt.date]],
        counts: bool = True,
        returns: bool = True,
        cohorts: bool = True,
        same_days: VisitBasis | None = None,
    ) -> VisitBasis:
        """``same_days``: a basis of the same venues and the same whole period (other
        pieces), loaded with every figure, whose figures by local date (visits, headcount, returns by first day:
        the same whatever the pieces) are taken instead of read again."""
        ids = _ids(venues)
        start, end = pieces[0][0], pieces[-1][1]
        last = end - dt.timedelta(days=RETURN_DAYS + 1)
        if not ids or end <= start:
            return cls(pieces, {}, {}, [(0, 0)] * len(pieces), {}, [{} for _ in pieces])
        by_day = same_days is not None and same_days.span == (start, end)
        if len(pieces) == 1 and len(sql.month_bounds(start, end)) - 1 <= sql.MASK_MONTHS:
            # One period: visitors, returns and cohorts in one read (visit_sql.period_figures).
            visitors, returns_by_day, cohort_counts = (
                sql.period_figures(ids, start, end)
                if counts or returns or cohorts
                else ((0, 0), {}, {})
            )
            visitors_list, cohort_list = [visitors], [cohort_counts]
        else:
            visitors_list = sql.visitors_by_piece(ids, pieces) if counts else [(0, 0)] * len(pieces)
            cohort_list = sql.cohort_counts(ids, pieces) if cohorts else [{} for _ in pieces]
            if by_day:
                returns_by_day = same_days.returns
            elif returns and last >= start:
                returns_by_day = sql.returns_by_first_day(ids, start, last, end)
            else:
                returns_by_day = {}
        if by_day:
            visits, headcount = same_days.visits, same_days.headcount
        elif counts:
            visits = sql.visits_by_day(ids, start, end)
            headcount = sql.headcount_by_day(ids, start, end)
        else:
            visits, headcount = {}, {}
        return cls(pieces, visits, headcount, visitors_list, returns_by_day, cohort_list)

    @property
    def span(self) -> tuple[dt.date, dt.date]:
        return self.pieces[0][0], self.pieces[-1][1]

    def counts(self, i: int) -> dict[str, int]:
        s, e = self.pieces[i]
        unique, repeat = self.visitors[i]
        return {
            "visits": sum(n for day, n in self.visits.items() if s <= day < e),
            "unique_visitors": unique,
            "repeat_visitors": repeat,
            "walk_in_headcount": sum(n for day, n in self.headcount.items() if s <= day < e),
        }

    def return_30d_rate(self, i: int) -> float | None:
        s, e = self.pieces[i]
        last = e - dt.timedelta(days=RETURN_DAYS + 1)
        if last < s:
            return None
        eligible = returned = 0
        for day, (n, back) in self.returns.items():
            if s <= day <= last:
                eligible += n
                returned += back
        return rate(returned, eligible)

    def cohorts(self, i: int) -> list[Cohort]:
        _s, e = self.pieces[i]
        last_month = month_index(e - dt.timedelta(days=1))  # the last month starting before e
        result = []
        for month in sorted(self.cohort_counts[i]):
            visited = self.cohort_counts[i][month]
            cohort = month_index(dt.date.fromisoformat(f"{month}-01"))
            size = visited.get(month, 0)
            retention = tuple(
                rate(visited.get(month_of(cohort + k).strftime("%Y-%m"), 0), size)
                for k in range(last_month - cohort + 1)
            )
            result.append(Cohort(month, size, retention))
        return result


def satisfaction(*, venues: Sequence[Venue], start: dt.date, end: dt.date) -> Satisfaction:
    """Ratings (1-5) of visits in the period: mean, share of 4 and 5, how many."""
    counts = Rating.objects.filter(_in_period(start, end), venue_id__in=_ids(venues)).aggregate(
        mean=Avg("score"), high=Count("pk", filter=Q(score__gte=4)), count=Count("pk")
    )
    return Satisfaction(
        mean=float(counts["mean"]) if counts["mean"] is not None else None,
        share_4_5=rate(counts["high"], counts["count"]),
        count=counts["count"],
    )
