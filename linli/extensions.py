"""Sections a higher app adds to a lower app's page, without the lower app importing it.

spaces has its own richer points for the venue page (spaces.extensions). This one is for
the other pages that later apps add a block to: the page names a slot with
``{% page_sections "event" event=event %}`` (``{% load linli_sections %}``), and an app
registers into it in its AppConfig.ready() (calendars adds "加入日历" to an event, a
booking, a group and the resident's own page). A page renders whatever is registered, in
order; an unregistered slot renders nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

# The slots pages offer, so a typo in a registration fails at start-up, not silently.
PAGES = {
    "event": "scenes event detail (event=)",
    "booking": "bookings resident booking detail (booking=)",
    "group": "scenes group detail, for members (group=)",
    "me": "accounts resident's own page",
    "operate.room": "spaces operator room page (room=)",
}


@dataclass(frozen=True)
class Section:
    name: str
    template: str
    context: Callable[..., dict | None]  # (request, **objects) -> context; None hides it
    order: int


_sections: dict[str, dict[str, Section]] = {}


def register_page_section(
    page: str,
    name: str,
    *,
    template: str,
    context: Callable[..., dict | None],
    order: int = 50,
) -> None:
    """Add a block to ``page`` (one of PAGES). Re-registering a name replaces it."""
    if page not in PAGES:
        raise ValueError(f"unknown page {page!r}; pages: {', '.join(sorted(PAGES))}")
    _sections.setdefault(page, {})[name] = Section(name, template, context, order)


def render_page_sections(page: str, request: HttpRequest, **objects) -> SafeString:
    parts = []
    for section in sorted(_sections.get(page, {}).values(), key=lambda s: (s.order, s.name)):
        context = section.context(request, **objects)
        if context is None:
            continue
        parts.append(render_to_string(section.template, {**objects, **context}, request=request))
    return mark_safe("".join(parts))  # noqa: S308 - rendered by our own templates
