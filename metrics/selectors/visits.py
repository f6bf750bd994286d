"""Show rate, visits, visitors, repeat visits and satisfaction (metrics 5-8 and 11; the
30-day returns and cohorts of 9-10 are in ``returns``).

All counted in the database. A visit is a distinct (visitor, venue, local date) with a
check-in; ``CheckIn.visitor`` is the resident's pseudonym (bookings.models.Visitor), which
outlives a deleted account, so accounts are never counted. Anonymous walk-ins (no visitor,
a headcount) are only the walk-in headcount. Local dates are the venue's (``local_date``
of each row), so a set of venues in several zones still compares like with like.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import (
    Avg,
    Count,
    Exists,
    OuterRef,
    Q,
    Sum,
)

from bookings.models import Booking, CheckIn, Rating
from bookings.states import were_confirmed_q
from spaces.models import Venue

from .periods import instants_in_period_q


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


def visits_of(venues: Sequence[Venue]):
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
    period = visits_of(venues).filter(_in_period(start, end))
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
