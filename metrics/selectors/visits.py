"""Show rate, visits, visitors, returns, cohorts and satisfaction (metrics 5-11).

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
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Sum,
)
from django.db.models.functions import TruncMonth

from bookings.models import Booking, CheckIn, Rating
from bookings.states import were_confirmed_q
from spaces.models import Venue

from .periods import instants_in_period_q, month_index, month_of, next_month

RETURN_DAYS = 30


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


def _visits(venues: Sequence[Venue]):
    return CheckIn.objects.filter(venue_id__in=_ids(venues), visitor__isnull=False).order_by()


def _in_period(start: dt.date, end: dt.date) -> Q:
    return Q(local_date__gte=start, local_date__lt=end)


def show_rate(*, venues: Sequence[Venue], start: dt.date, end: dt.date) -> float | None:
    """Of bookings that were confirmed and end in the period, the share with a check-in."""
    counts = (
        Booking.objects.filter(were_confirmed_q())
        .filter(instants_in_period_q("ends_at", venues, start, end))
        .aggregate(
            confirmed=Count("pk"),
            shown=Count("pk", filter=Exists(CheckIn.objects.filter(booking=OuterRef("pk")))),
        )
    )
    return rate(counts["shown"], counts["confirmed"])


def visit_counts(*, venues: Sequence[Venue], start: dt.date, end: dt.date) -> dict[str, int]:
    """visits, unique_visitors, repeat_visitors (2+ local dates at any venue of the set)
    and walk_in_headcount."""
    period = _visits(venues).filter(_in_period(start, end))
    visits = period.values("visitor", "venue_id", "local_date").distinct().count()
    per_visitor = period.values("visitor").annotate(days=Count("local_date", distinct=True))
    visitors = per_visitor.aggregate(
        unique=Count("visitor"), repeat=Count("visitor", filter=Q(days__gte=2))
    )
    headcount = CheckIn.objects.filter(
        _in_period(start, end),
        venue_id__in=_ids(venues),
        visitor__isnull=True,
        kind=CheckIn.Kind.WALK_IN,
    ).aggregate(n=Sum("headcount"))["n"]
    return {
        "visits": visits,
        "unique_visitors": visitors["unique"] or 0,
        "repeat_visitors": visitors["repeat"] or 0,
        "walk_in_headcount": headcount or 0,
    }


def return_30d_rate(*, venues: Sequence[Venue], start: dt.date, end: dt.date) -> float | None:
    """Of visitors whose first-ever visit d is in the period with d + 30 days before
    ``end``, the share with another visit on a day in (d, d + 30]."""
    last_eligible = end - dt.timedelta(days=RETURN_DAYS + 1)
    if last_eligible < start:
        return None
    visits = _visits(venues)
    earlier = visits.filter(visitor=OuterRef("visitor"), local_date__lt=OuterRef("local_date"))
    window_end = ExpressionWrapper(
        F("local_date") + dt.timedelta(days=RETURN_DAYS), output_field=DateField()
    )
    returned = visits.filter(
        visitor=OuterRef("visitor"),
        local_date__gt=OuterRef("local_date"),
        local_date__lte=OuterRef("window_end"),
    )
    # The check-ins of a first-ever visit day (no earlier one) that leaves 30 days to see.
    counts = (
        visits.filter(local_date__gte=start, local_date__lte=last_eligible)
        .filter(~Exists(earlier))
        .annotate(window_end=window_end)
        .annotate(came_back=Exists(returned))
        .aggregate(
            eligible=Count("visitor", distinct=True),
            returned=Count("visitor", distinct=True, filter=Q(came_back=True)),
        )
    )
    return rate(counts["returned"], counts["eligible"])


def cohorts(*, venues: Sequence[Venue], start: dt.date, end: dt.date) -> list[Cohort]:
    """Visitors by the month of their first-ever visit, for first visits in the period;
    ``retention[k]`` is the share with a visit in the k-th month after it, for every month
    that starts before ``end``; visits on or after ``end`` do not count."""
    # One query per cohort month (at most 13 in a dashboard's year): its members are the
    # visitors seen that month with no visit before it, an uncorrelated NOT IN that uses
    # the (venue, local_date) index; a first-visit subquery per check-in row did not scale.
    visits = _visits(venues)
    counts: dict[int, dict[int, int]] = defaultdict(dict)
    month = start.replace(day=1)
    while month < end:
        lo, hi = max(month, start), min(next_month(month), end)
        members = (
            visits.filter(local_date__gte=lo, local_date__lt=hi)
            .exclude(visitor__in=visits.filter(local_date__lt=lo).values("visitor"))
            .values("visitor")
        )
        rows = (
            visits.filter(visitor__in=members, local_date__gte=lo, local_date__lt=end)
            .annotate(month=TruncMonth("local_date", output_field=DateField()))
            .values("month")
            .annotate(n=Count("visitor", distinct=True))
        )
        cohort = month_index(month)
        for row in rows:
            counts[cohort][month_index(row["month"]) - cohort] = row["n"]
        month = next_month(month)
    last_month = month_index(end - dt.timedelta(days=1))  # the last month starting before end
    result = []
    for cohort in sorted(counts):
        size = counts[cohort].get(0, 0)
        retention = tuple(
            rate(counts[cohort].get(k, 0), size) for k in range(last_month - cohort + 1)
        )
        result.append(Cohort(month_of(cohort).strftime("%Y-%m"), size, retention))
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
