"""Extension points that let later apps add to spaces' pages without spaces importing them.

Dependencies point one way (spaces ← scenes ← bookings), yet the resident venue page must
show what is on now, upcoming events and a "book" button. Later apps register a panel in
their AppConfig.ready(); spaces renders whatever is registered, in order.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from spaces.hours import HoursRules
from spaces.models import Room, Venue


@dataclass(frozen=True)
class VenuePage:
    """What the venue page has already loaded, so panels don't load it again.

    ``hours`` holds the venue's (and its rooms') rules with exceptions for at least the
    next two weeks and the week on show; pass it on as ``rules=`` / ``hours=``.
    """

    venue: Venue
    rooms: list[Room]
    hours: HoursRules
    today: dt.date


@dataclass(frozen=True)
class VenuePanel:
    name: str
    order: int
    template: str
    context: Callable[[HttpRequest, VenuePage], dict | None]  # None hides the panel
    # "status": right under the open/closed badge; "now": what is on now and next, before
    # the hours; "actions": buttons in the page's call-to-action row; "body": after the hours
    slot: str = "body"


_venue_panels: dict[str, VenuePanel] = {}


def register_venue_panel(
    name: str,
    *,
    template: str,
    context: Callable[[HttpRequest, VenuePage], dict | None],
    order: int = 50,
    slot: str = "body",
) -> None:
    """Add a section to the resident venue page. Re-registering a name replaces it."""
    _venue_panels[name] = VenuePanel(
        name=name, order=order, template=template, context=context, slot=slot
    )


def render_venue_panels(request: HttpRequest, page: VenuePage) -> dict[str, list[SafeString]]:
    """{slot: [html, ...]} in order; the venue page shows each slot where it belongs."""
    rendered: dict[str, list[SafeString]] = {}
    for panel in sorted(_venue_panels.values(), key=lambda p: (p.order, p.name)):
        context = panel.context(request, page)
        if context is None:
            continue
        html = render_to_string(panel.template, {"venue": page.venue, **context}, request=request)
        rendered.setdefault(panel.slot, []).append(mark_safe(html))  # noqa: S308 - rendered by our own templates
    return rendered


@dataclass(frozen=True)
class DayDetail:
    name: str
    template: str  # rendered once per day that has context, under that day's hours
    context: Callable[[HttpRequest, VenuePage, dt.date], dict[dt.date, dict] | None]
    legend: str = ""  # rendered once above the week when any day has a detail
    script: str = ""  # a static path the details need (loaded with defer)


_day_details: dict[str, DayDetail] = {}


def register_day_detail(
    name: str,
    *,
    template: str,
    context: Callable[[HttpRequest, VenuePage, dt.date], dict[dt.date, dict] | None],
    legend: str = "",
    script: str = "",
) -> None:
    """Add a line under each day of the venue page's week of hours (scenes: the day's
    scenes), so the week is one block rather than the hours and a second week beside them.
    ``context(request, page, start)`` gives {date: context} for the seven days from start,
    or None when it has nothing to say."""
    _day_details[name] = DayDetail(
        name=name, template=template, context=context, legend=legend, script=script
    )


@dataclass
class RenderedDays:
    by_date: dict[dt.date, list[SafeString]]
    legends: list[SafeString]
    scripts: list[str]


def render_day_details(request: HttpRequest, page: VenuePage, start: dt.date) -> RenderedDays:
    rendered = RenderedDays({}, [], [])
    for detail in sorted(_day_details.values(), key=lambda d: d.name):
        contexts = detail.context(request, page, start)
        if not contexts:
            continue
        for day, context in contexts.items():
            html = render_to_string(detail.template, context, request=request)
            rendered.by_date.setdefault(day, []).append(mark_safe(html))  # noqa: S308 - our templates
        if detail.legend:
            rendered.legends.append(mark_safe(render_to_string(detail.legend, request=request)))  # noqa: S308
        if detail.script:
            rendered.scripts.append(detail.script)
    return rendered


@dataclass(frozen=True)
class OperatorLink:
    section: str
    label: object  # a lazy translation
    url_name: str
    order: int


_operator_links: dict[str, OperatorLink] = {}


def register_operator_link(section: str, *, label, url_name: str, order: int = 50) -> None:
    """Add a tab to the operator's venue navigation; ``url_name`` takes the venue id."""
    _operator_links[section] = OperatorLink(
        section=section, label=label, url_name=url_name, order=order
    )


def operator_links() -> list[OperatorLink]:
    return sorted(_operator_links.values(), key=lambda link: (link.order, link.section))
