"""The resident venue page's scene panels (registered in ScenesConfig.ready()).

"status": the line under the open/closed badge ("现在：公益时段（至 18:00），之后：商业时段");
and under each day of the week's hours, that day's scenes as coloured bands. Both read one
VenueData per request for the week from today.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone

from scenes.resolution import NOW_LOOKAHEAD_DAYS, VenueData, load_venue_data
from scenes.selectors.planner import week_strip
from scenes.selectors.scenes import venue_now_summary
from spaces.extensions import VenuePage


def _data(request: HttpRequest, page: VenuePage) -> VenueData:
    # Both panels read the same VenueData; the venue page already holds rooms and hours.
    cache = request.__dict__.setdefault("_scenes_venue_data", {})
    if page.venue.pk not in cache:
        cache[page.venue.pk] = load_venue_data(
            venue=page.venue,
            start=page.today,
            end=page.today + dt.timedelta(days=NOW_LOOKAHEAD_DAYS),
            rooms=page.rooms,
            hours=page.hours,
        )
    return cache[page.venue.pk]


def now_panel(request: HttpRequest, page: VenuePage) -> dict | None:
    venue = page.venue
    data = _data(request, page)
    if not data.entries:
        return None  # without scenes the open/closed badge says it all
    summary = venue_now_summary(venue=venue, at=timezone.now(), data=data)
    if summary.line is None:
        return None
    return {"now": summary}


def week_days(request: HttpRequest, page: VenuePage, start: dt.date) -> dict[dt.date, dict] | None:
    """Each day's scene bands, shown under that day's hours in the venue page's week."""
    venue = page.venue
    if start == page.today:
        data = _data(request, page)  # the week from today: the same data as "now"
    else:
        data = load_venue_data(
            venue=venue,
            start=start,
            end=start + dt.timedelta(days=NOW_LOOKAHEAD_DAYS),
            rooms=page.rooms,
            hours=page.hours,
        )
    if not data.entries:
        return None
    strip = week_strip(venue=venue, start=start, data=data)
    if not strip.has_scenes:
        return None
    return {day.date: {"day": day} for day in strip.days if day.bands}
