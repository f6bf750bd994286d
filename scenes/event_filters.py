"""The events list's filters (date, venue, kind) and its grouping by series.

Filters come from a plain GET form (htmx only swaps the results), so every value arrives
as text a person or a crawler may have mangled: anything not understood is ignored, the
list simply stays unfiltered on that axis, never an error.

A series published "weekly for 8 weeks" is one entry on the list ("每周二 14:30 · 8 次",
its next date and a register button for it); its dates are on the series page.
"""

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.dates import month_day_weekday, weekday_short
from linli.pages import id_or_none
from scenes.choices import SceneKind
from scenes.models import Event
from spaces.models import Venue

WHEN_CHOICES = [
    ("", gettext_lazy("全部日期")),
    ("today", gettext_lazy("今天")),
    ("tomorrow", gettext_lazy("明天")),
    ("week", gettext_lazy("本周")),
    ("next-week", gettext_lazy("下周")),
]
KIND_CHOICES = [
    ("", gettext_lazy("全部类型")),
    (SceneKind.PUBLIC.value, gettext_lazy("公益活动")),
    (SceneKind.COMMERCIAL.value, gettext_lazy("商业活动")),
    ("group", gettext_lazy("自组织主办")),
]
_KINDS = {value for value, _label in KIND_CHOICES if value}
_WHENS = {value for value, _label in WHEN_CHOICES if value}
# The farthest a date filter may point; beyond it nothing is published anyway.
MAX_DAYS_AHEAD = 366


@dataclass(frozen=True)
class EventFilters:
    venue: Venue | None = None
    when: str = ""
    day: dt.date | None = None  # a date asked for with ?date=YYYY-MM-DD
    kind: str = ""

    @property
    def active(self) -> bool:
        return bool(self.venue or self.when or self.day or self.kind)

    @property
    def day_label(self) -> str:
        return month_day_weekday(self.day) if self.day else ""


def filters_from(params, venues: QuerySet[Venue]) -> EventFilters:
    """Parse the list's query string; values that make no sense are dropped."""
    venue_id = id_or_none(params.get("venue"))
    venue = venues.filter(pk=venue_id).first() if venue_id else None
    when = params.get("when", "")
    kind = params.get("kind", "")
    return EventFilters(
        venue=venue,
        when=when if when in _WHENS else "",
        day=_date_or_none(params.get("date")),
        kind=kind if kind in _KINDS else "",
    )


def _date_or_none(value) -> dt.date | None:
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    today = timezone.localdate()
    if not today - dt.timedelta(days=1) <= day <= today + dt.timedelta(days=MAX_DAYS_AHEAD):
        return None
    return day


def _zone(filters: EventFilters) -> ZoneInfo:
    # Days and weeks are the venue's; across venues, the site's (all in one city today).
    return filters.venue.zone if filters.venue else ZoneInfo(settings.TIME_ZONE)


def _days(filters: EventFilters, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """[first, last) local dates the filter keeps, or None for no date filter."""
    if filters.day:
        return filters.day, filters.day + dt.timedelta(days=1)
    monday = today - dt.timedelta(days=today.weekday())
    return {
        "today": (today, today + dt.timedelta(days=1)),
        "tomorrow": (today + dt.timedelta(days=1), today + dt.timedelta(days=2)),
        "week": (today, monday + dt.timedelta(days=7)),
        "next-week": (monday + dt.timedelta(days=7), monday + dt.timedelta(days=14)),
    }.get(filters.when)


def as_q(filters: EventFilters) -> Q:
    """The filters as one condition on Event, for scenes.selectors.events.events_upcoming."""
    where = Q()
    if filters.venue:
        where &= Q(venue=filters.venue)
    zone = _zone(filters)
    days = _days(filters, timezone.localdate(timezone=zone))
    if days:
        first, last = (dt.datetime.combine(d, dt.time(), tzinfo=zone) for d in days)
        # An event that has begun and not ended still counts for today.
        where &= Q(starts_at__lt=last, ends_at__gt=first)
    if filters.kind == "group":
        where &= Q(organiser_group__isnull=False)
    elif filters.kind:
        where &= Q(scene__kind=filters.kind)
    return where


# --- grouping by series -----------------------------------------------------------------------


@dataclass
class EventGroup:
    """One entry of the list: a lone event, or the listed dates of one series."""

    events: list[Event] = field(default_factory=list)

    @property
    def first(self) -> Event:
        return self.events[0]

    @property
    def is_series(self) -> bool:
        return self.first.series_id is not None and len(self.events) > 1

    @property
    def count(self) -> int:
        return len(self.events)

    @property
    def pattern(self) -> str:
        """ "每周二 14:30" when every listed date shares weekday and time, else ""."""
        zone = self.first.venue.zone
        local = [e.starts_at.astimezone(zone) for e in self.events]
        if len({(start.weekday(), start.time()) for start in local}) != 1:
            return ""
        start = local[0]
        return _("每%(weekday)s %(time)s") % {
            "weekday": weekday_short(start),
            "time": f"{start:%H:%M}",
        }


def group_by_series(events: list[Event]) -> list[EventGroup]:
    """Events in order, each series gathered at the place of its soonest date."""
    groups: list[EventGroup] = []
    by_series: dict[int, EventGroup] = {}
    for event in events:
        if event.series_id is None:
            groups.append(EventGroup([event]))
            continue
        group = by_series.get(event.series_id)
        if group is None:
            group = by_series[event.series_id] = EventGroup()
            groups.append(group)
        group.events.append(event)
    return groups
