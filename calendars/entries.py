"""Rows of scenes and bookings as feed entries: UIDs, status, texts and versions.

Versions. A calendar app notices a change by SEQUENCE and LAST-MODIFIED, so both must
grow with every change an entry shows. Events and bookings only move forward through
their states, each step with its own timestamp (created, decided, cancelled; a lapse or
no-show at the close of the check-in window): an entry's SEQUENCE is the number of steps
after its creation and LAST-MODIFIED the latest step, derived from what is recorded, so
no write path has to remember to bump a counter. A scene band is shaped by the scene and
by the venue's schedule (hours, closures, other scenes): its SEQUENCE counts the seconds
from the scene's creation to the later of its last edit and the venue's last schedule
change, which grows with each of them.

UIDs are stable and say nothing about a person: events and scenes by id; a booking by a
hash of its random public id (the id opens the resident's booking page, the hash opens
nothing), with a different prefix for the room's busy block than for the resident's own
entry, so that a calendar holding both feeds keeps both.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

from django.conf import settings
from django.utils.translation import gettext as _

from bookings.models import Booking, Status
from bookings.states import effective_status
from calendars.ics import Entry
from scenes.models import Event, EventRegistration, Scene
from spaces.models import Room, Venue

DOMAIN = "linli"  # the right-hand side of every UID: stable whatever host serves the feed


def uid(kind: str, key: str | int) -> str:
    return f"{kind}-{key}@{DOMAIN}"


def booking_uid(booking: Booking, *, kind: str = "booking") -> str:
    digest = hashlib.sha256(f"{kind}:{booking.public_id}".encode()).hexdigest()[:24]
    return uid(kind, digest)


def version(created: dt.datetime, *later: dt.datetime | None) -> tuple[int, dt.datetime]:
    """(SEQUENCE, LAST-MODIFIED) of an entry created at ``created`` and changed at each
    of ``later`` that happened (None: did not)."""
    steps = [t for t in later if t is not None]
    return len(steps), max([created, *steps])


def place(venue: Venue, room_name: str | None = None) -> str:
    where = f"{venue.name} · {room_name}" if room_name else venue.name
    return f"{where}，{venue.address}" if venue.address else where


def geo(venue: Venue) -> tuple[float, float] | None:
    if venue.latitude is None or venue.longitude is None:
        return None
    return (venue.latitude, venue.longitude)


def at_place(venue: Venue, room_name: str | None = None) -> dict:
    """An entry's zone, LOCATION and GEO (WGS-84, as the venue stores it)."""
    return {"zone": venue.zone, "location": place(venue, room_name), "geo": geo(venue)}


def _cancelled(summary: str) -> str:
    # Google Calendar shows a cancelled entry of a subscribed feed like any other: the
    # word in the title is what tells an elderly reader not to go.
    return _("已取消：%(what)s") % {"what": summary}


# --- events ------------------------------------------------------------------------


def event_entry(
    event: Event, *, venue: Venue, room_name: str, url: str, busy_only: bool = False
) -> Entry:
    """A published or cancelled event. ``busy_only``: the room feed's block (the title
    is public already, the description stays on the event's page)."""
    cancelled = event.status == Event.Status.CANCELLED
    sequence, modified = version(event.created_at, event.cancelled_at if cancelled else None)
    description = "" if busy_only else event.description
    if cancelled and event.cancel_reason and not busy_only:
        description = _("取消原因：%(reason)s") % {"reason": event.cancel_reason} + (
            "\n\n" + description if description else ""
        )
    return Entry(
        uid=uid("event", event.id),
        start=event.starts_at,
        end=event.ends_at,
        summary=_cancelled(event.title) if cancelled else event.title,
        modified=modified,
        sequence=sequence,
        status="CANCELLED" if cancelled else "CONFIRMED",
        description=description,
        url=url,
        categories=_("活动"),
        **at_place(venue, room_name),
    )


def registration_entry(
    event: Event, rows: list[EventRegistration], *, venue: Venue, room_name: str, url: str
) -> Entry:
    """A resident's registration for ``event``; ``rows`` are all their registrations for
    it, oldest first (registering again after cancelling adds a row)."""
    last = rows[-1]
    instants: list[dt.datetime | None] = []
    for row in rows:
        instants += [row.created_at, row.promoted_at, row.cancelled_at]
    instants.append(event.cancelled_at if event.status == Event.Status.CANCELLED else None)
    sequence, modified = version(instants[0], *instants[1:])
    if event.status == Event.Status.CANCELLED:
        status, summary = "CANCELLED", _cancelled(event.title)
    elif last.status == EventRegistration.Status.CANCELLED:
        status, summary = "CANCELLED", _("已取消报名：%(title)s") % {"title": event.title}
    elif last.status == EventRegistration.Status.WAITLISTED:
        status, summary = "TENTATIVE", _("候补：%(title)s") % {"title": event.title}
    else:
        status, summary = "CONFIRMED", event.title
    return Entry(
        uid=uid("registration", event.id),
        start=event.starts_at,
        end=event.ends_at,
        summary=summary,
        modified=modified,
        sequence=sequence,
        status=status,
        description=event.description,
        url=url,
        categories=_("活动"),
        **at_place(venue, room_name),
    )


# --- bookings ----------------------------------------------------------------------


def booking_state(booking: Booking, now: dt.datetime) -> str:
    """The booking's iCalendar STATUS for its resident: a request is TENTATIVE; a
    cancelled, rejected or lapsed one CANCELLED; the rest (a no-show too: it was theirs)
    CONFIRMED."""
    status = effective_status(booking, now)
    if status == Status.PENDING:
        return "TENTATIVE"
    if status in (Status.CANCELLED, Status.REJECTED):
        return "CANCELLED"
    return "CONFIRMED"


def _booking_version(booking: Booking, now: dt.datetime) -> tuple[int, dt.datetime]:
    status = effective_status(booking, now)
    # A no-show, or a request nobody decided on, changed when its check-in window closed.
    lapsed = status == Status.NO_SHOW or (status == Status.REJECTED and booking.decided_at is None)
    return version(
        booking.created_at,
        booking.decided_at,
        booking.cancelled_at,
        booking.checkin_closes_at if lapsed else None,
    )


# What the entry says of the booking's state: only what its STATUS says too, so that the
# text changes exactly when SEQUENCE does (a check-in, or a visit ending, changes neither).
STATUS_WORDS = {
    "TENTATIVE": lambda: _("待审核"),
    "CONFIRMED": lambda: _("已确认"),
    "CANCELLED": lambda: _("已取消"),
}


def booking_entry(
    booking: Booking, *, now: dt.datetime, url: str = "", with_code: bool = True
) -> Entry:
    """The resident's (or their group's) own booking. ``with_code``: the 6-digit
    check-in code, in the resident's own feed and download, not in a group's feed."""
    venue, room = booking.venue, booking.room
    ical_status = booking_state(booking, now)
    title = booking.group.name if booking.group_id else _("预约")
    summary = f"{title} · {room.name}"
    if ical_status == "CANCELLED":
        summary = _cancelled(summary)
    elif ical_status == "TENTATIVE":
        summary = _("待审核：%(what)s") % {"what": summary}
    lines = [
        _("状态：%(status)s") % {"status": STATUS_WORDS[ical_status]()},
        _("用途：%(purpose)s") % {"purpose": booking.purpose},
        _("人数：%(people)s") % {"people": booking.people},
    ]
    if with_code and ical_status == "CONFIRMED":
        lines.append(_("签到码：%(code)s") % {"code": booking.code})
    if booking.reason and ical_status == "CANCELLED":
        lines.append(_("原因：%(reason)s") % {"reason": booking.reason})
    sequence, modified = _booking_version(booking, now)
    return Entry(
        uid=booking_uid(booking),
        start=booking.starts_at,
        end=booking.ends_at,
        summary=summary,
        modified=modified,
        sequence=sequence,
        status=ical_status,
        description="\n".join(lines),
        url=url,
        categories=_("预约"),
        **at_place(venue, room.name),
    )


def busy_entry(booking: Booking, *, venue: Venue, room: Room, now: dt.datetime) -> Entry:
    """A booking as the room's busy block: when, and nothing about who or why."""
    ical_status = booking_state(booking, now)
    if effective_status(booking, now) == Status.NO_SHOW:
        ical_status = "CANCELLED"  # the room was released when check-in closed
    summary = _("已预约") if ical_status != "TENTATIVE" else _("待审核的预约")
    if ical_status == "CANCELLED":
        summary = _("已释放：%(what)s") % {"what": _("已预约")}
    sequence, modified = _booking_version(booking, now)
    return Entry(
        uid=booking_uid(booking, kind="busy"),
        start=booking.starts_at,
        end=booking.ends_at,
        summary=summary,
        modified=modified,
        sequence=sequence,
        status=ical_status,
        categories=_("预约"),
        **at_place(venue, room.name),
    )


# --- scene bands -------------------------------------------------------------------


def scene_entries(
    bands: Iterable[tuple[Scene, dt.datetime, dt.datetime]], *, venue: Venue, url: str
) -> list[Entry]:
    """The venue's scene bands (``scene``, start, end) as see-through entries."""
    entries = []
    changed = venue.schedule_changed_at
    for scene, start, end in bands:
        modified = max(scene.updated_at, changed, scene.created_at)
        sequence = int((modified - scene.created_at).total_seconds())
        entries.append(
            Entry(
                uid=uid("scene", f"{scene.pk}-{start.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"),
                start=start,
                end=end,
                summary=f"{scene.name}（{scene.get_kind_display()}）",
                modified=modified,
                sequence=max(sequence, 0),
                description=scene.description,
                url=url,
                **at_place(venue),
                transparent=True,
                categories=scene.get_kind_display(),
            )
        )
    return entries


def feed_language() -> str:
    """Feeds are read by calendar apps without a session: always the site's language,
    so that the bytes do not depend on a request header."""
    return settings.LANGUAGE_CODE
