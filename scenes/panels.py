"""The resident venue page's scene panels (registered in ScenesConfig.ready()).

"status": the line under the open/closed badge ("现在：公益时段（至 18:00），之后：商业时段");
"body": the coming week as coloured scene bands. Both read one VenueData per request.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone

from scenes.resolution import NOW_LOOKAHEAD_DAYS, VenueData, load_venue_data
from scenes.selectors.planner import week_strip
from scenes.selectors.scenes import local_today, venue_now_summary
from spaces.models import Venue


def _data(request: HttpRequest, venue: Venue) -> VenueData:
    cache = request.__dict__.setdefault("_scenes_venue_data", {})
    if venue.pk not in cache:
        today = local_today(venue)
        cache[venue.pk] = load_venue_data(
            venue=venue, start=today, end=today + dt.timedelta(days=NOW_LOOKAHEAD_DAYS)
        )
    return cache[venue.pk]


def now_panel(request: HttpRequest, venue: Venue) -> dict | None:
    data = _data(request, venue)
    if not data.entries:
        return None  # without scenes the open/closed badge says it all
    summary = venue_now_summary(venue=venue, at=timezone.now(), data=data)
    if summary.line is None:
        return None
    return {"now": summary}


def week_panel(request: HttpRequest, venue: Venue) -> dict | None:
    data = _data(request, venue)
    if not data.entries:
        return None
    strip = week_strip(venue=venue, start=data.start, data=data)
    if not strip.has_scenes:
        return None
    return {"strip": strip}
