"""The accessibility baseline every page keeps, declared once for the lane and the bench.

``PAGES`` lists every page a resident or operator reaches, by URL name, with who looks at
it and how to fill its path from the demo data (``load_demo``). A new page adds itself here
(or to ``EXCLUDED`` with a reason); ``test_accessibility.py`` fails on a URL name that is in
neither. ``measure()`` looks at one page at 360x640 the way the issue's review did:

- targets: visible interactive elements smaller than 44x44 CSS px (a checkbox or radio is
  measured with its label, and a card's stretched link with its card: what a finger taps). A link inside running text is
  WCAG 2.5.8's "inline" exception and is counted apart, not as a failure;
- axe-core (``axe-playwright-python``): colour-contrast failures, and every serious or
  critical violation;
- reflow: the page's width with the browser's default font size set to 32 px (a user who
  doubled text in the browser's settings), and whether the root font size followed it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# Browser default font size a user with "very large" text picks (Chromium's own default: 16).
DOUBLED_FONT_PX = 32
MIN_TARGET_PX = 44
# axe's rules at WCAG 2.1 A/AA plus its best practices; impacts that fail the lane.
FAILING_IMPACTS = ("serious", "critical")


@dataclass(frozen=True)
class AuditPage:
    url_name: str  # Django URL name ("spaces:venue-detail")
    who: str  # "anonymous", "resident", "newcomer" (no consent yet) or "operator"
    path: str  # with {placeholders} from ``demo_values()``
    label: str = ""

    @property
    def name(self) -> str:
        return self.label or self.url_name


PAGES: list[AuditPage] = [
    AuditPage("home", "anonymous", "/"),
    AuditPage("spaces:venue-list", "resident", "/venues/"),
    AuditPage("spaces:venue-detail", "anonymous", "/venues/{venue}/"),
    AuditPage("metrics:openness", "anonymous", "/venues/{venue}/openness/"),
    AuditPage("scenes:events", "anonymous", "/events/"),
    AuditPage("scenes:event-detail", "resident", "/events/{event}/"),
    AuditPage("scenes:event-detail", "anonymous", "/events/{full_event}/", "event full"),
    AuditPage("scenes:event-series", "anonymous", "/events/series/{series}/"),
    AuditPage("scenes:groups", "resident", "/groups/"),
    AuditPage("scenes:group-new", "resident", "/groups/new/"),
    AuditPage("scenes:group-join", "resident", "/groups/join/"),
    AuditPage("scenes:group-detail", "leader", "/groups/{group}/"),
    AuditPage("bookings:series-new", "leader", "/groups/{group}/series/new/"),
    AuditPage("bookings:series-detail", "leader", "/series/{booking_series}/"),
    AuditPage("accounts:sign-in", "anonymous", "/accounts/sign-in/"),
    AuditPage("accounts:staff-sign-in", "anonymous", "/accounts/staff/sign-in/"),
    AuditPage("accounts:consent", "newcomer", "/accounts/consent/"),
    AuditPage("accounts:me", "resident", "/accounts/me/"),
    AuditPage("accounts:delete", "resident", "/accounts/me/delete/"),
    AuditPage("accounts:privacy", "anonymous", "/accounts/privacy/"),
    AuditPage("accounts:staff-me", "operator", "/accounts/staff/"),
    AuditPage("spaces:operate", "operator", "/operate/"),
    AuditPage("spaces:operate-venue", "operator", "/operate/venues/{venue}/"),
    AuditPage("spaces:operate-rooms", "operator", "/operate/venues/{venue}/rooms/"),
    AuditPage("spaces:operate-room", "operator", "/operate/rooms/{room}/"),
    AuditPage("spaces:operate-hours", "operator", "/operate/venues/{venue}/hours/"),
    AuditPage("spaces:operate-exceptions", "operator", "/operate/venues/{venue}/exceptions/"),
    AuditPage("spaces:operate-photos", "operator", "/operate/venues/{venue}/photos/"),
    AuditPage("scenes:planner", "operator", "/operate/venues/{venue}/scenes/"),
    AuditPage("scenes:planner-scene", "operator", "/operate/venues/{venue}/scenes/{scene}/"),
    AuditPage("scenes:operate-events", "operator", "/operate/venues/{venue}/events/"),
    AuditPage("scenes:operate-event", "operator", "/operate/venues/{venue}/events/{event}/"),
    AuditPage("scenes:operate-groups", "operator", "/operate/venues/{venue}/groups/"),
    AuditPage("metrics:dashboard", "operator", "/operate/metrics/"),
    AuditPage("metrics:venue-dashboard", "operator", "/operate/venues/{venue}/metrics/"),
    AuditPage("bookings:book", "anonymous", "/venues/{venue}/book/"),
    AuditPage("bookings:book_confirm", "resident", "/rooms/{book_room}/book/?start={book_start}"),
    AuditPage("bookings:my_bookings", "resident", "/me/bookings/"),
    AuditPage("bookings:booking_detail", "resident", "/me/bookings/{booking}/"),
    AuditPage("bookings:desk", "operator", "/operate/venues/{venue}/desk/"),
    AuditPage("bookings:desk-poster", "operator", "/operate/venues/{venue}/desk/poster/"),
    AuditPage("bookings:desk_booking", "operator", "/desk/bookings/{desk_booking}/"),
    AuditPage("bookings:venue_checkin", "resident", "/venues/{venue}/checkin/"),
    AuditPage("bookings:ledger", "operator", "/operate/venues/{venue}/ledger/"),
    AuditPage("calendars:mine", "resident", "/calendars/"),
    AuditPage("calendars:venue", "anonymous", "/calendars/venues/{venue}/"),
    AuditPage("calendars:room", "operator", "/calendars/rooms/{room}/"),
    AuditPage("error", "anonymous", "/venues/999999999/", "error page (404)"),
]

# URL names no resident or operator lands on as a page, and why.
EXCLUDED: dict[str, str] = {
    "set_language": "POST only: the footer's language buttons, audited on every page",
    "javascript-catalog": "JavaScript, not a page",
    "spaces:photo": "an image file",
    "accounts:export": "a JSON download",
    "metrics:csv": "a CSV download (the dashboard's tables, audited on the dashboard)",
    "accounts:sign-out": "POST only; answers with a redirect home",
    "scenes:event-register": "POST only; answers with the event page",
    "scenes:event-unregister": "answers with the event page (its confirmation is audited there)",
    "scenes:group-invite": "POST only; answers with the group page",
    "scenes:group-invite-code": "POST only; answers with the group page",
    "scenes:invitation-accept": "POST only; answers with the groups page",
    "scenes:invitation-decline": "POST only; answers with the groups page",
    "bookings:series-cancel": "POST only; answers with the series page and its confirmation",
    "bookings:series-cancel-date": "POST only; answers with the series page and its confirmation",
    "bookings:booking_cancel": "POST only; answers with the booking page and its question",
    "bookings:booking_rate": "POST only; answers with the booking page",
    "bookings:ledger-template": "a CSV download (the ledger template)",
    "calendars:venue-feed": "an iCalendar feed (text/calendar), read by calendar apps",
    "calendars:room-feed": "an iCalendar feed (text/calendar), read by calendar apps",
    "calendars:personal-feed": "an iCalendar feed (text/calendar), read by calendar apps",
    "calendars:group-feed": "an iCalendar feed (text/calendar), read by calendar apps",
    "calendars:booking-file": "an .ics download of one booking",
    "calendars:event-file": "an .ics download of one event",
}


def demo_values() -> dict[str, int | str]:
    """Path placeholders from the demo data: the teahouse, its rooms, events and group."""
    from scenes.models import Event, Group, Scene
    from spaces.models import Venue

    venue = Venue.objects.get(name="五福茶馆")
    events = Event.objects.filter(venue=venue).order_by("starts_at")
    full = next(e for e in Event.objects.order_by("starts_at") if e.title.startswith("手工"))
    return {
        "venue": venue.pk,
        "room": venue.rooms.order_by("order", "pk").first().pk,
        "event": events.first().pk,
        "full_event": full.pk,
        "series": events.exclude(series=None).first().series_id,
        "scene": Scene.objects.filter(venue=venue).order_by("pk").first().pk,
        "group": Group.objects.order_by("pk").first().pk,
        "booking_series": _booking_series(Group.objects.order_by("pk").first(), venue),
        "today": dt.date.today().isoformat(),
        **_booking_values(venue),
        "desk_booking": _desk_booking(venue).public_id,
    }


def _booking_values(venue) -> dict[str, int | str]:
    """A start time the demo resident can book, and one booking of theirs (made on the
    first free start when the demo has none)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from bookings.models import Booking
    from bookings.selectors.availability import room_availability
    from bookings.services.bookings import booking_create

    resident = get_user_model().objects.get(phone="13800000001")
    room = venue.rooms.filter(is_bookable=True).order_by("order", "pk").first()
    today = timezone.localdate(timezone=venue.zone)

    def starts():
        slots = room_availability(
            room=room, start=today, end=today + dt.timedelta(days=14), user=resident
        )
        # Hours ahead: the first start may fall inside the notice while the audit runs,
        # and the confirm page would then answer with the grid instead.
        soon = timezone.now() + dt.timedelta(hours=3)
        return [s for s in slots if s.can_start and s.starts_at > soon]

    booking = Booking.objects.filter(resident=resident, ends_at__gt=timezone.now()).first()
    if booking is None:
        slot = starts()[0]
        booking = booking_create(
            user=resident,
            room=room,
            starts_at=slot.starts_at,
            ends_at=slot.starts_at + dt.timedelta(minutes=slot.min_duration_minutes),
            people=2,
            purpose="下棋",
        )
    slot = starts()[0]
    return {
        "book_room": room.pk,
        "book_start": slot.starts_at.strftime("%Y-%m-%dT%H:%M"),
        "booking": booking.public_id,
    }


def _booking_series(group, venue) -> str:
    """The public id of the demo group's weekly booking series; one with a booked date
    and a skipped one is made here when the demo has none."""
    from bookings.models import BookingSeries

    found = BookingSeries.objects.filter(group=group).first()
    if found is not None:
        return found.public_id
    room = venue.rooms.order_by("order", "pk").first()
    leader = group.memberships.get(role="leader").user
    day = dt.date.today() + dt.timedelta(days=7)
    # 06:00, before any demo booking, so the made-up one overlaps nothing.
    start = dt.datetime.combine(day, dt.time(6), tzinfo=venue.zone)
    series = BookingSeries.objects.create(
        venue=venue,
        room=room,
        group=group,
        organiser=leader,
        weekdays=1 << day.weekday(),
        start_time=dt.time(6),
        end_time=dt.time(7),
        first_date=day,
        last_date=day + dt.timedelta(days=7),
        people=8,
        purpose="合唱排练",
        skipped=[
            {
                "date": (day + dt.timedelta(days=7)).isoformat(),
                "code": "holiday_break",
                "message": "国庆节假期（10月1日至10月7日），本周暂停。",
            }
        ],
    )
    from tests.factories import make_booking

    make_booking(
        room,
        start,
        resident=leader,
        group=group,
        series=series,
        people=8,
        purpose="合唱排练",
        code="246810",
    )
    return series.public_id


def _desk_booking(venue):
    """A confirmed booking at the venue, today's if the demo has one: the desk's arrivals
    and a booking's QR page show it. Made here (with a request awaiting approval, for the
    desk's approve / reject form) when the demo has no bookings."""
    from django.contrib.auth import get_user_model

    from bookings.models import Booking

    today = (dt.datetime.now(dt.UTC)).astimezone(venue.zone).date()
    confirmed = Booking.objects.filter(venue=venue, status="confirmed")
    found = confirmed.filter(local_date=today).order_by("starts_at").first() or confirmed.first()
    if found:
        return found
    room = venue.rooms.filter(is_bookable=True).order_by("order", "pk").first()
    resident = get_user_model().objects.get(phone="13800000001")
    from tests.factories import make_booking

    made = []
    for hour, status, code in ((20, "confirmed", "246810"), (21, "pending", "135790")):
        start = dt.datetime.combine(today, dt.time(hour), tzinfo=venue.zone)
        made.append(
            make_booking(
                room,
                start,
                resident=resident,
                people=4,
                purpose="合唱排练",
                status=status,
                code=code,
                price_fen=3000,
            )
        )
    return made[0]


def demo_user(who: str):
    """The demo account that looks at a page as ``who`` (None: signed out)."""
    from django.contrib.auth import get_user_model

    from scenes.models import Group

    users = get_user_model().objects
    if who == "anonymous":
        return None
    if who == "operator":
        return users.get(username="wufu-operator")
    if who == "leader":
        group = Group.objects.order_by("pk").first()
        return group.memberships.get(role="leader").user
    if who == "newcomer":
        user, _ = users.get_or_create(
            username="13800000099", defaults={"phone": "13800000099", "display_name": ""}
        )
        return user
    return users.get(phone="13800000001")


@dataclass
class Measurement:
    page: AuditPage
    status: int = 0
    small: list[str] = field(default_factory=list)
    inline: list[str] = field(default_factory=list)
    contrast: int = 0
    serious: list[str] = field(default_factory=list)
    width: int = 0
    doubled_width: int = 0
    root_px: float = 0.0
    doubled_root_px: float = 0.0
    forced_width: int = 0  # with html { font-size: 200% } forced, whatever the CSS says

    @property
    def overflows(self) -> bool:
        return self.doubled_width > 360

    @property
    def root_scales(self) -> bool:
        return self.doubled_root_px >= self.root_px * 1.9


# Visible interactive elements under 44x44 px. A checkbox or radio counts with its label;
# a link inside a sentence is WCAG 2.5.8's inline exception and is listed apart.
SMALL_TARGETS_JS = """
(min) => {
  const out = {small: [], inline: []};
  const seen = new Set();
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex]:not([tabindex="-1"])';
  const describe = (el) => {
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || el.name || '').trim().replace(/\\s+/g, ' ').slice(0, 24);
    return `${el.tagName.toLowerCase()}${el.type && el.tagName === 'INPUT' ? '[' + el.type + ']' : ''} "${text}"`;
  };
  const inSentence = (el) => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    const block = el.parentElement;
    const own = (block.innerText || '').replace(el.innerText || '', '').trim();
    return own.length > 1 && getComputedStyle(block).display !== 'flex';
  };
  for (const el of document.querySelectorAll(sel)) {
    let target = el;
    if ((el.type === 'checkbox' || el.type === 'radio') && (el.closest('label') || (el.id && document.querySelector(`label[for="${el.id}"]`)))) {
      target = el.closest('label') || document.querySelector(`label[for="${el.id}"]`);
    }
    // A stretched link (.card-link) is tapped anywhere on the card its ::after covers.
    const after = getComputedStyle(el, '::after');
    if (el.tagName === 'A' && after.position === 'absolute' && after.content !== 'none' && el.offsetParent) {
      target = el.offsetParent;
    }
    if (seen.has(target)) continue;
    seen.add(target);
    const style = getComputedStyle(el);
    const r = target.getBoundingClientRect();
    if (!r.width || !r.height || style.visibility === 'hidden' || el.closest('[hidden], [aria-hidden=true]')) continue;
    if (r.width >= min - 0.5 && r.height >= min - 0.5) continue;
    const entry = `${describe(el)} ${Math.round(r.width)}x${Math.round(r.height)}`;
    (inSentence(el) ? out.inline : out.small).push(entry);
  }
  return out;
}
"""


def _axe():
    from axe_playwright_python.sync_playwright import Axe

    global _AXE
    if _AXE is None:
        _AXE = Axe()
    return _AXE


_AXE = None


def _root_px(page) -> float:
    return page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")


def _width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def measure(page, url: str, audit_page: AuditPage) -> Measurement:
    """Everything the baseline asks of one page, at the page's 360x640 viewport."""
    result = Measurement(audit_page)
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 16, "fixed": 13}})
        response = page.goto(url)
        result.status = response.status if response else 0
        found = page.evaluate(SMALL_TARGETS_JS, MIN_TARGET_PX)
        result.small, result.inline = found["small"], found["inline"]
        axe = _axe().run(page).response
        for violation in axe["violations"]:
            if violation["id"] == "color-contrast":
                result.contrast += len(violation["nodes"])
            if violation["impact"] in FAILING_IMPACTS:
                targets = ", ".join(str(n["target"][0]) for n in violation["nodes"][:3])
                result.serious.append(
                    f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])}): {targets}"
                )
        result.width, result.root_px = _width(page), _root_px(page)
        cdp.send(
            "Page.setFontSizes",
            {"fontSizes": {"standard": DOUBLED_FONT_PX, "fixed": DOUBLED_FONT_PX}},
        )
        page.reload()
        result.doubled_width, result.doubled_root_px = _width(page), _root_px(page)
        # The same with the root forced to 200% through the CSSOM (allowed under our CSP):
        # how the layout reflows even where a px root size would ignore the user's setting.
        cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 16, "fixed": 13}})
        page.reload()
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        result.forced_width = _width(page)
    finally:
        cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 16, "fixed": 13}})
        cdp.detach()
    return result


def table(rows: list[Measurement]) -> str:
    """The rows as a fixed-width table (the bench's output and the lane's failure text)."""
    head = f"{'page':34} {'who':9} {'<44px':>5} {'inline':>6} {'contrast':>8} {'ser/crit':>8} {'2x root':>8} {'2x width':>8} {'200% width':>10}"
    lines = [head, "-" * len(head)]
    for r in rows:
        root = f"{r.root_px:g}->{r.doubled_root_px:g}"
        lines.append(
            f"{r.page.name[:34]:34} {r.page.who:9} {len(r.small):5} {len(r.inline):6} "
            f"{r.contrast:8} {len(r.serious):8} {root:>8} {r.doubled_width:8} {r.forced_width:10}"
        )
    return "\n".join(lines)
