"""The figures for a set of venues over a period of local dates: ``metrics_for`` and, by
week or month, ``metrics_series``. Definitions: DOMAIN.md, "Metric definitions"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from spaces.models import Venue

from . import visits as v
from .hours import DayHours, Days, hours_by_day, total
from .periods import split

SECONDS_PER_HOUR = 3600


@dataclass(frozen=True, slots=True)
class SceneShares:
    public: float | None
    commercial: float | None
    none: float | None


@dataclass(frozen=True, slots=True)
class Metrics:
    start: dt.date
    end: dt.date
    open_room_hours: float
    bookable_room_hours: float
    scene_shares: SceneShares
    off_work_hours_share: float | None
    utilisation: float | None
    show_rate: float | None
    visits: int
    walk_in_headcount: int
    unique_visitors: int
    repeat_visit_rate: float | None
    return_30d_rate: float | None
    cohorts: tuple[v.Cohort, ...]
    satisfaction: v.Satisfaction
    predictability: float | None


def _build(
    venues: list[Venue], basis: v.VisitBasis, i: int, hours: DayHours, show_rate: float | None
) -> Metrics:
    rate = v.rate
    start, end = basis.pieces[i]
    counts = basis.counts(i)
    return Metrics(
        start=start,
        end=end,
        open_room_hours=hours.open / SECONDS_PER_HOUR,
        bookable_room_hours=hours.bookable / SECONDS_PER_HOUR,
        scene_shares=SceneShares(
            public=rate(hours.public, hours.open),
            commercial=rate(hours.commercial, hours.open),
            none=rate(hours.none, hours.open),
        ),
        off_work_hours_share=rate(hours.off_work, hours.open),
        utilisation=rate(hours.booked, hours.bookable),
        show_rate=show_rate,
        visits=counts["visits"],
        walk_in_headcount=counts["walk_in_headcount"],
        unique_visitors=counts["unique_visitors"],
        repeat_visit_rate=rate(counts["repeat_visitors"], counts["unique_visitors"]),
        return_30d_rate=basis.return_30d_rate(i),
        cohorts=tuple(basis.cohorts(i)),
        satisfaction=v.satisfaction(venues=venues, start=start, end=end),
        predictability=predictability(hours),
    )


def predictability(hours: DayHours) -> float | None:
    """Metric 12: 1 - late-closed / (open + late-closed) room-hours; None without either."""
    planned = hours.open + hours.late_closed
    return 1 - hours.late_closed / planned if planned else None


def metrics_for(*, venues: Iterable[Venue], start: dt.date, end: dt.date) -> Metrics:
    """Every metric for ``venues`` over the local dates [start, end)."""
    venues = list(venues)
    days = hours_by_day(venues=venues, start=start, end=end)
    return _pieces(venues, [(start, end)], days)[0][0]


def metrics_series(
    *, venues: Iterable[Venue], start: dt.date, end: dt.date, by: str
) -> list[Metrics]:
    """``metrics_for`` of each week (from Monday) or month in [start, end); the first and
    last are partial when the period does not begin or end on one. Each piece is a period
    of its own: its returns and cohorts look no further than its own end."""
    return metrics_with_series(venues=venues, start=start, end=end, by=by)[1]


def metrics_with_series(
    *, venues: Iterable[Venue], start: dt.date, end: dt.date, by: str
) -> tuple[Metrics, list[Metrics]]:
    """``metrics_for`` the whole period and its ``metrics_series``, the timelines loaded
    once for both and the visit figures of every piece read at once (visits.VisitBasis)."""
    venues = list(venues)
    days = hours_by_day(venues=venues, start=start, end=end)
    whole, basis = _pieces(venues, [(start, end)], days)
    series, _ = _pieces(venues, split(start, end, by), days, same_days=basis)
    return whole[0], series


def _pieces(
    venues: list[Venue],
    pieces: list[tuple[dt.date, dt.date]],
    days: Days,
    same_days: v.VisitBasis | None = None,
) -> tuple[list[Metrics], v.VisitBasis | None]:
    """Each piece's figures from room-hours by day and one read of the visits for all
    the pieces (visits.VisitBasis; what goes by local date taken from ``same_days``, a
    basis of the same period, when given)."""
    if not pieces:
        return [], None
    basis = v.VisitBasis.load(venues=venues, pieces=pieces, same_days=same_days)
    shows = v.show_rates(venues=venues, pieces=pieces)
    metrics = [
        _build(venues, basis, i, total(days, s, e), shows[i]) for i, (s, e) in enumerate(pieces)
    ]
    return metrics, basis
