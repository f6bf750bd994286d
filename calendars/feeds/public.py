"""The public feeds: a venue's events (with its scene bands as a layer), a room's
occupancy, and one event as a download. See calendars.feeds.base for stamps."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from bookings.models import Booking
from calendars import entries
from calendars.feeds.base import (
    WEEKS_AHEAD,
    WEEKS_BACK,
    Stamp,
    Window,
    aggregates,
    booking_parts,
    kept,
    make_stamp,
    shown,
    url_maker,
)
from calendars.ics import Feed
from linli.kept import Kept
from scenes.models import Event
from scenes.resolution import SCENE, venue_timelines
from scenes.schedule_cache import schedule_token
from spaces.models import Room, Venue

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
        return make_stamp(
            self.window,
            v.updated_at,
            v.schedule_changed_at,
            self.scenes,
            *aggregates(self._events(), "created_at", "cancelled_at"),
        )

    def feed(self) -> Feed:
        venue, w = self.venue, self.window
        event_url = url_maker(self.request, "scenes:event-detail")
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
        return Booking.objects.filter(room=self.room).filter(shown(self.window))

    def _events(self):
        w = self.window
        return Event.objects.filter(room=self.room, starts_at__gte=w.start, starts_at__lt=w.end)

    def stamp(self) -> Stamp:
        v = self.venue
        return make_stamp(
            self.window,
            v.updated_at,
            v.schedule_changed_at,
            *booking_parts(self._bookings(), self.now),
            *aggregates(self._events(), "created_at", "cancelled_at"),
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
        event_url = url_maker(self.request, "scenes:event-detail")
        items += [
            entries.event_entry(
                e, venue=venue, room_name=room.name, url=event_url(e.id), busy_only=True
            )
            for e in self._events()
        ]
        items = sorted((e for e in items if kept(e, w)), key=lambda e: (e.start, e.uid))
        return Feed(
            name=_("%(venue)s · %(room)s 占用情况") % {"venue": venue.name, "room": room.name},
            description=_("这间功能室哪些时间已被预约或有活动；不含预约人的任何信息。"),
            entries=items,
            url=self.request.build_absolute_uri(reverse("spaces:venue-detail", args=[venue.pk])),
            source=self.request.build_absolute_uri(),
        )


class EventFile:
    private = False

    def __init__(self, request, event: Event, *, now: dt.datetime) -> None:
        self.request, self.event, self.now = request, event, now
        self.window = Window.at(now, event.venue.zone)
        self.filename = f"event-{event.pk}.ics"

    def stamp(self) -> Stamp:
        e, v = self.event, self.event.venue
        return make_stamp(
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
