"""Each feed: what it holds (``feed()``) and a cheap fingerprint of it (``stamp()``).

A calendar app asks for a feed every hour or so and almost always nothing has changed.
``stamp()`` answers that with a few aggregates (how many rows, their latest timestamps,
how many check-in windows have closed) instead of building the feed: the ETag is a hash
of them, so a conditional GET is answered with 304 for the price of one or two queries.
Whatever a feed shows must therefore be covered by its stamp:
- events and bookings change only by steps that set a timestamp or a status counted here;
- venue and room names, addresses and schedules are covered by the venue's
  ``schedule_changed_at`` and ``updated_at`` (spaces.schedule renews them);
- time alone changes a feed in two ways, both counted: check-in windows closing (a
  request lapses, a room is released) and the day rolling on (the window of 8 weeks back
  and 26 ahead, and 30 days of keeping cancelled entries, move with the local date).
``FORMAT`` goes into every stamp: change it whenever the output for the same rows changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from bookings.models import Booking, Status
from calendars import entries
from calendars.ics import Entry, Feed
from linli.kept import Kept
from scenes.models import Event, EventRegistration, Group
from scenes.resolution import SCENE, venue_timelines
from scenes.schedule_cache import schedule_token
from spaces.hours.compute import local_midnight_utc
from spaces.models import Room, Venue

FORMAT = "1"
WEEKS_BACK, WEEKS_AHEAD = 8, 26
KEEP_CANCELLED_DAYS = 30


@dataclass(frozen=True)
class Window:
    """The rolling window of a feed, in local dates of ``zone``."""

    today: dt.date
    zone: ZoneInfo
    start: dt.datetime  # UTC: midnight 8 weeks back
    end: dt.datetime  # UTC: midnight 26 weeks ahead
    keep_since: dt.datetime  # UTC: cancelled entries stay this long after cancellation
    midnight: dt.datetime  # UTC: the start of today, the oldest Last-Modified a feed has

    @classmethod
    def at(cls, now: dt.datetime, zone: ZoneInfo) -> Window:
        today = now.astimezone(zone).date()
        return cls(
            today=today,
            zone=zone,
            start=local_midnight_utc(today - dt.timedelta(weeks=WEEKS_BACK), zone),
            end=local_midnight_utc(today + dt.timedelta(weeks=WEEKS_AHEAD), zone),
            keep_since=local_midnight_utc(today - dt.timedelta(days=KEEP_CANCELLED_DAYS), zone),
            midnight=local_midnight_utc(today, zone),
        )


@dataclass(frozen=True)
class Stamp:
    etag: str
    last_modified: dt.datetime


def _stamp(window: Window, *parts) -> Stamp:
    text = repr((FORMAT, window.today.isoformat(), *parts))
    moments = [window.midnight] + [p for p in parts if isinstance(p, dt.datetime)]
    return Stamp(hashlib.sha256(text.encode()).hexdigest()[:32], max(moments))


def _agg(qs, *fields: str) -> list:
    """COUNT(*) and MAX(field) of each of ``fields`` over ``qs``, in one query."""
    row = qs.aggregate(n=Count("pk"), **{f"m{i}": Max(f) for i, f in enumerate(fields)})
    return [row["n"], *(row[f"m{i}"] for i in range(len(fields)))]


def _booking_parts(qs, now: dt.datetime) -> list:
    """What a set of bookings shows, as aggregates: steps with a timestamp, check-ins
    (a status change without one) and check-in windows that have closed."""
    return _agg(qs, "created_at", "decided_at", "cancelled_at") + [
        qs.filter(status__in=(Status.CHECKED_IN, Status.COMPLETED)).count(),
        *_agg(qs.filter(checkin_closes_at__lte=now), "checkin_closes_at"),
    ]


def _shown(window: Window) -> Q:
    """Bookings that start in the window (cancelled ones are then kept for 30 days after
    they were cancelled: ``_kept``, on the built entries)."""
    return Q(starts_at__gte=window.start, starts_at__lt=window.end)


def _url_maker(request, name: str):
    """A fast absolute-URL builder for one route: reverse once, then fill in the id."""
    placeholder = 987654321
    path = reverse(name, args=[placeholder])
    base = request.build_absolute_uri(path)
    head, tail = base.split(str(placeholder))
    return lambda key: f"{head}{key}{tail}"


def _kept(entry: Entry, window: Window) -> bool:
    return entry.status != "CANCELLED" or entry.modified >= window.keep_since


# --- the venue's events (and, as a layer, its scenes) ------------------------------

_bands = Kept(64)


def scene_bands(venue: Venue, window: Window) -> list:
    """(scene, start, end) of every scene over the window, merged across the rooms it
    covers, from the same timeline the venue page and the bookings read."""
    token = schedule_token(venue)
    key = (venue.pk, token, window.today)
    found = _bands.get(key)
    if found is not None:
        return found
    lo = window.today - dt.timedelta(weeks=WEEKS_BACK)
    hi = window.today + dt.timedelta(weeks=WEEKS_AHEAD)
    timelines = venue_timelines(venue=venue, start=lo, end=hi, schedule_token=token)
    spans: dict[int, set[tuple[dt.datetime, dt.datetime]]] = defaultdict(set)
    scenes = {}
    for segments in timelines.values():
        for seg in segments:
            if seg.state == SCENE and seg.scene is not None:
                spans[seg.scene.pk].add((seg.start, seg.end))
                scenes[seg.scene.pk] = seg.scene
    bands = []
    for pk, pairs in spans.items():
        for start, end in _merge(sorted(pairs)):
            bands.append((scenes[pk], start, end))
    bands.sort(key=lambda b: (b[1], b[0].pk))
    _bands.put(key, bands)
    return bands


def _merge(pairs):
    merged: list[list[dt.datetime]] = []
    for start, end in pairs:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


class VenueFeed:
    private = False

    def __init__(self, request, venue: Venue, *, scenes: bool, now: dt.datetime) -> None:
        self.request, self.venue, self.scenes, self.now = request, venue, scenes, now
        self.window = Window.at(now, venue.zone)
        self.filename = f"venue-{venue.pk}.ics"

    def _events(self):
        w = self.window
        return Event.objects.filter(venue=self.venue, starts_at__gte=w.start, starts_at__lt=w.end)

    def stamp(self) -> Stamp:
        v = self.venue
        return _stamp(
            self.window,
            v.updated_at,
            v.schedule_changed_at,
            self.scenes,
            *_agg(self._events(), "created_at", "cancelled_at"),
        )

    def feed(self) -> Feed:
        venue, w = self.venue, self.window
        event_url = _url_maker(self.request, "scenes:event-detail")
        rows = (
            self._events()
            .filter(Q(status=Event.Status.PUBLISHED) | Q(cancelled_at__gte=w.keep_since))
            .order_by("starts_at", "pk")
            .values_list(
                "id",
                "title",
                "description",
                "starts_at",
                "ends_at",
                "status",
                "created_at",
                "cancelled_at",
                "cancel_reason",
                "room__name",
                named=True,
            )
        )
        items = [
            entries.event_entry(row, venue=venue, room_name=row.room__name, url=event_url(row.id))
            for row in rows
        ]
        if self.scenes:
            page = self.request.build_absolute_uri(reverse("spaces:venue-detail", args=[venue.pk]))
            items += entries.scene_entries(scene_bands(venue, w), venue=venue, url=page)
            items.sort(key=lambda e: (e.start, e.uid))
        name = _("%(venue)s 活动") % {"venue": venue.name}
        description = _("%(venue)s 的社区活动。") % {"venue": venue.name}
        if self.scenes:
            name = _("%(venue)s 活动与开放时段") % {"venue": venue.name}
            description = _("%(venue)s 的社区活动，以及公益、商业等时段安排。") % {
                "venue": venue.name
            }
        return Feed(
            name=name,
            description=description,
            entries=items,
            url=self.request.build_absolute_uri(reverse("spaces:venue-detail", args=[venue.pk])),
            source=self.request.build_absolute_uri(),
        )


# --- a room's occupancy --------------------------------------------------------------


class RoomFeed:
    private = False

    def __init__(self, request, room: Room, *, now: dt.datetime) -> None:
        self.request, self.room, self.venue, self.now = request, room, room.venue, now
        self.window = Window.at(now, self.venue.zone)
        self.filename = f"room-{room.pk}.ics"

    def _bookings(self):
        return Booking.objects.filter(room=self.room).filter(_shown(self.window))

    def _events(self):
        w = self.window
        return Event.objects.filter(room=self.room, starts_at__gte=w.start, starts_at__lt=w.end)

    def stamp(self) -> Stamp:
        v = self.venue
        return _stamp(
            self.window,
            v.updated_at,
            v.schedule_changed_at,
            *_booking_parts(self._bookings(), self.now),
            *_agg(self._events(), "created_at", "cancelled_at"),
        )

    def feed(self) -> Feed:
        room, venue, w, now = self.room, self.venue, self.window, self.now
        items = [
            entries.busy_entry(b, venue=venue, room=room, now=now)
            for b in self._bookings().only(
                "public_id",
                "starts_at",
                "ends_at",
                "status",
                "created_at",
                "decided_at",
                "cancelled_at",
                "checkin_closes_at",
            )
        ]
        event_url = _url_maker(self.request, "scenes:event-detail")
        items += [
            entries.event_entry(
                e, venue=venue, room_name=room.name, url=event_url(e.id), busy_only=True
            )
            for e in self._events()
        ]
        items = sorted((e for e in items if _kept(e, w)), key=lambda e: (e.start, e.uid))
        return Feed(
            name=_("%(venue)s · %(room)s 占用情况") % {"venue": venue.name, "room": room.name},
            description=_("这间功能室哪些时间已被预约或有活动；不含预约人的任何信息。"),
            entries=items,
            url=self.request.build_absolute_uri(reverse("spaces:venue-detail", args=[venue.pk])),
            source=self.request.build_absolute_uri(),
        )


# --- a resident's own feed, and a group's -------------------------------------------


def _site_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _booking_related(qs):
    return qs.select_related("venue", "room", "group")


class PersonalFeed:
    private = True

    def __init__(self, request, user, *, now: dt.datetime) -> None:
        self.request, self.user, self.now = request, user, now
        self.window = Window.at(now, _site_zone())
        self.filename = "linli.ics"

    def _bookings(self):
        return Booking.objects.filter(resident=self.user).filter(_shown(self.window))

    def _registrations(self):
        w = self.window
        return EventRegistration.objects.filter(
            resident=self.user, event__starts_at__gte=w.start, event__starts_at__lt=w.end
        )

    def stamp(self) -> Stamp:
        bookings, registrations = self._bookings(), self._registrations()
        return _stamp(
            self.window,
            *_booking_parts(bookings, self.now),
            *_agg(bookings, "venue__updated_at", "venue__schedule_changed_at"),
            *_agg(
                registrations,
                "created_at",
                "promoted_at",
                "cancelled_at",
                "event__cancelled_at",
                "event__venue__updated_at",
                "event__venue__schedule_changed_at",
            ),
        )

    def feed(self) -> Feed:
        w, now = self.window, self.now
        booking_url = _url_maker(self.request, "bookings:booking_detail")
        event_url = _url_maker(self.request, "scenes:event-detail")
        items = [
            entries.booking_entry(b, now=now, url=booking_url(b.public_id))
            for b in _booking_related(self._bookings())
        ]
        by_event: dict[int, list[EventRegistration]] = defaultdict(list)
        for reg in (
            self._registrations()
            .select_related("event__venue", "event__room")
            .order_by("created_at", "pk")
        ):
            by_event[reg.event_id].append(reg)
        for rows in by_event.values():
            event = rows[0].event
            items.append(
                entries.registration_entry(
                    event,
                    rows,
                    venue=event.venue,
                    room_name=event.room.name,
                    url=event_url(event.pk),
                )
            )
        items = sorted((e for e in items if _kept(e, w)), key=lambda e: (e.start, e.uid))
        return Feed(
            name=_("我的邻里日程"),
            description=_("我在邻里的预约和报名的活动。这个链接只属于你，请不要分享。"),
            entries=items,
            url=self.request.build_absolute_uri(reverse("calendars:mine")),
        )


class GroupFeed:
    private = True

    def __init__(self, request, group: Group, *, now: dt.datetime) -> None:
        self.request, self.group, self.now = request, group, now
        self.window = Window.at(now, _site_zone())
        self.filename = f"group-{group.pk}.ics"

    def _bookings(self):
        return Booking.objects.filter(group=self.group).filter(_shown(self.window))

    def _events(self):
        w = self.window
        return Event.objects.filter(
            organiser_group=self.group, starts_at__gte=w.start, starts_at__lt=w.end
        )

    def stamp(self) -> Stamp:
        bookings, events = self._bookings(), self._events()
        return _stamp(
            self.window,
            self.group.name,
            *_booking_parts(bookings, self.now),
            *_agg(bookings, "venue__updated_at", "venue__schedule_changed_at"),
            *_agg(
                events,
                "created_at",
                "cancelled_at",
                "venue__updated_at",
                "venue__schedule_changed_at",
            ),
        )

    def feed(self) -> Feed:
        w, now = self.window, self.now
        event_url = _url_maker(self.request, "scenes:event-detail")
        items = [
            entries.booking_entry(b, now=now, with_code=False)
            for b in _booking_related(self._bookings())
        ]
        items += [
            entries.event_entry(e, venue=e.venue, room_name=e.room.name, url=event_url(e.pk))
            for e in self._events().select_related("venue", "room")
        ]
        items = sorted((e for e in items if _kept(e, w)), key=lambda e: (e.start, e.uid))
        return Feed(
            name=_("%(group)s 的日程") % {"group": self.group.name},
            description=_("%(group)s 的场地预约和活动，供成员订阅。") % {"group": self.group.name},
            entries=items,
            url=self.request.build_absolute_uri(
                reverse("scenes:group-detail", args=[self.group.pk])
            ),
        )


# --- one booking or one event, to add to a calendar ---------------------------------


class BookingFile:
    private = True

    def __init__(self, request, booking: Booking, *, now: dt.datetime) -> None:
        self.request, self.booking, self.now = request, booking, now
        self.window = Window.at(now, booking.venue.zone)
        self.filename = f"booking-{booking.starts_at.astimezone(booking.venue.zone):%Y%m%d}.ics"

    def stamp(self) -> Stamp:
        b, v = self.booking, self.booking.venue
        return _stamp(
            self.window,
            b.status,
            b.created_at,
            b.decided_at,
            b.cancelled_at,
            b.checkin_closes_at <= self.now,
            v.updated_at,
            v.schedule_changed_at,
        )

    def feed(self) -> Feed:
        b = self.booking
        url = self.request.build_absolute_uri(
            reverse("bookings:booking_detail", args=[b.public_id])
        )
        return Feed(
            name=_("邻里预约"),
            description=_("在邻里预约的场地。"),
            entries=[entries.booking_entry(b, now=self.now, url=url)],
            url=url,
        )


class EventFile:
    private = False

    def __init__(self, request, event: Event, *, now: dt.datetime) -> None:
        self.request, self.event, self.now = request, event, now
        self.window = Window.at(now, event.venue.zone)
        self.filename = f"event-{event.pk}.ics"

    def stamp(self) -> Stamp:
        e, v = self.event, self.event.venue
        return _stamp(
            self.window,
            e.status,
            e.created_at,
            e.cancelled_at,
            v.updated_at,
            v.schedule_changed_at,
        )

    def feed(self) -> Feed:
        e = self.event
        url = self.request.build_absolute_uri(reverse("scenes:event-detail", args=[e.pk]))
        return Feed(
            name=e.venue.name,
            description=_("%(venue)s 的社区活动。") % {"venue": e.venue.name},
            entries=[entries.event_entry(e, venue=e.venue, room_name=e.room.name, url=url)],
            url=url,
        )
