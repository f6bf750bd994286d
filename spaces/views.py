"""Resident pages: find a venue near you, see whether it is open and its week of hours."""

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from linli.errors import DomainError
from linli.pages import id_or_none
from spaces import presenters, selectors
from spaces.calendar import provisional_note
from spaces.extensions import render_day_details, render_venue_panels
from spaces.models import VenueKind


def _parse_near(request: HttpRequest) -> tuple[tuple[float, float] | None, str | None]:
    from spaces.geo import parse_near

    lat, lon = request.GET.get("lat", "").strip(), request.GET.get("lon", "").strip()
    if not (lat and lon):
        return None, None
    try:
        return parse_near(f"{lat},{lon}"), None
    except DomainError as exc:
        return None, str(exc.message)


def venue_list(request: HttpRequest, *, template: str = "spaces/venue_list.html") -> HttpResponse:
    near, near_error = _parse_near(request)
    kind = request.GET.get("kind") or None
    if kind not in VenueKind.values:
        kind = None
    open_now = True if request.GET.get("open_now") == "1" else None
    community_id = id_or_none(request.GET.get("community"))
    items = selectors.venue_list(near=near, kind=kind, open_now=open_now, community_id=community_id)
    context = {
        "items": items,
        "near": near,
        "near_error": near_error,
        "kinds": VenueKind.choices,
        "communities": selectors.communities_list(),
        "selected": {"kind": kind, "open_now": open_now, "community": community_id},
    }
    if request.htmx and request.htmx.target == "venue-results":
        template += "#results"
    return TemplateResponse(request, template, context)


def _week_start(request: HttpRequest, today: dt.date) -> dt.date:
    """The ?week= date, within a year either side of today (else this week)."""
    try:
        start = dt.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        return today
    return start if abs((start - today).days) <= 366 else today


def venue_detail(request: HttpRequest, venue_id: int) -> HttpResponse:
    from spaces.hours import open_status

    venue = selectors.venue_get(venue_id=venue_id)
    start = _week_start(request, selectors.local_today(venue))
    page = selectors.venue_page(venue=venue, week_start=start)
    days = selectors.venue_hours(
        venue=venue, start=start, end=start + dt.timedelta(days=7), rules=page.hours
    )
    details = render_day_details(request, page, start)
    context = {
        "venue": venue,
        "today": page.today,
        # One block for the week: each day's hours with what other apps add under them.
        "week_rows": presenters.week_rows(days, details.by_date, today=page.today),
        "day_legends": details.legends,
        "day_scripts": details.scripts,
        "provisional_notes": [
            provisional_note(year)
            for year in sorted({d.date.year for d in days if not getattr(d, "announced", True)})
        ],
        "week_start": start,
        "prev_week": start - dt.timedelta(days=7),
        "next_week": start + dt.timedelta(days=7),
    }
    if request.htmx and request.htmx.target == "week-hours":
        return TemplateResponse(request, "spaces/venue_detail.html#week-hours", context)
    context.update(
        status=open_status(venue=venue, at=timezone.now(), rules=page.hours),
        accessibility=presenters.accessibility_labels(venue),
        map_links=presenters.map_links(venue),
        panels=render_venue_panels(request, page),
    )
    return TemplateResponse(request, "spaces/venue_detail.html", context)
