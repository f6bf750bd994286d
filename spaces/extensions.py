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
    slot: str = "body"  # "status": right under the open/closed badge; "body": after the hours


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
