"""A venue's openness as residents may see it (信息公开): the last 13 full weeks.

Open room-hours week by week, the public-benefit share, off-work-hours openness,
predictability and satisfaction: the same definitions and code as the operators' figures
(hours.hours_by_day, visits.satisfaction), over whole weeks from Monday so a week is never
compared with half of one. Nothing personal: no visitor counts, and any count under
``SMALL`` is shown as "<5" with the figures computed from it withheld (a mean of two
ratings would tell their authors' neighbours what they gave).

The figures cover finished weeks only, so they change when history does (a late-imported
ledger, a rating): they are cached per venue and day for ``CACHE_SECONDS``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache

from spaces.models import Venue

from .hours import hours_by_day, total
from .metrics import predictability
from .visits import rate, satisfaction

WEEKS = 13
SMALL = 5
CACHE_SECONDS = 10 * 60
SECONDS_PER_HOUR = 3600


@dataclass(frozen=True, slots=True)
class Week:
    start: dt.date  # a Monday
    end: dt.date  # the next Monday (exclusive)
    open_room_hours: float


@dataclass(frozen=True, slots=True)
class Openness:
    start: dt.date
    end: dt.date
    weeks: tuple[Week, ...]
    open_room_hours: float
    public_share: float | None
    off_work_hours_share: float | None
    predictability: float | None
    satisfaction_mean: float | None  # None when there are fewer than SMALL ratings
    satisfaction_share_4_5: float | None
    ratings: str  # "<5" or the number, as shown


def small_count(n: int) -> str:
    """A count as it may be published: "<5" under SMALL, else the number."""
    return f"<{SMALL}" if n < SMALL else str(n)


def openness_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The 13 whole weeks before the week of ``today`` (Monday to Monday)."""
    end = today - dt.timedelta(days=today.weekday())
    return end - dt.timedelta(weeks=WEEKS), end


def _compute(venue: Venue, today: dt.date) -> Openness:
    start, end = openness_period(today)
    days = hours_by_day(venues=[venue], start=start, end=end)
    whole = total(days, start, end)
    weeks = []
    for k in range(WEEKS):
        s = start + dt.timedelta(weeks=k)
        e = s + dt.timedelta(weeks=1)
        weeks.append(Week(s, e, total(days, s, e).open / SECONDS_PER_HOUR))
    rated = satisfaction(venues=[venue], start=start, end=end)
    enough = rated.count >= SMALL
    return Openness(
        start=start,
        end=end,
        weeks=tuple(weeks),
        open_room_hours=whole.open / SECONDS_PER_HOUR,
        public_share=rate(whole.public, whole.open),
        off_work_hours_share=rate(whole.off_work, whole.open),
        predictability=predictability(whole),
        satisfaction_mean=rated.mean if enough else None,
        satisfaction_share_4_5=rated.share_4_5 if enough else None,
        ratings=small_count(rated.count),
    )


def venue_openness(*, venue: Venue, today: dt.date) -> Openness:
    """The public figures of a published venue (the caller has checked it is one)."""
    key = f"linli:openness:{venue.pk}:{today.isoformat()}"
    found = cache.get(key)
    if found is None:
        found = _compute(venue, today)
        cache.set(key, found, CACHE_SECONDS)
    return found
