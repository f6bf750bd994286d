"""The private feeds: a resident's own (bookings and registrations), a member's copy of
a group's, and one booking as a download. See calendars.feeds.base for stamps."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from bookings.models import Booking
from calendars import entries
from calendars.feeds.base import (
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
from scenes.models import Event, EventRegistration, Group

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
        return Booking.objects.filter(resident=self.user).filter(shown(self.window))

    def _registrations(self):
        w = self.window
        return EventRegistration.objects.filter(
            resident=self.user, event__starts_at__gte=w.start, event__starts_at__lt=w.end
        )

    def stamp(self) -> Stamp:
        bookings, registrations = self._bookings(), self._registrations()
        return make_stamp(
            self.window,
            *booking_parts(bookings, self.now),
            *aggregates(bookings, "venue__updated_at", "venue__schedule_changed_at"),
            *aggregates(
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
        booking_url = url_maker(self.request, "bookings:booking_detail")
        event_url = url_maker(self.request, "scenes:event-detail")
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
        items = sorted((e for e in items if kept(e, w)), key=lambda e: (e.start, e.uid))
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
        return Booking.objects.filter(group=self.group).filter(shown(self.window))

    def _events(self):
        w = self.window
        return Event.objects.filter(
            organiser_group=self.group, starts_at__gte=w.start, starts_at__lt=w.end
        )

    def stamp(self) -> Stamp:
        bookings, events = self._bookings(), self._events()
        return make_stamp(
            self.window,
            self.group.name,
            *booking_parts(bookings, self.now),
            *aggregates(bookings, "venue__updated_at", "venue__schedule_changed_at"),
            *aggregates(
                events,
                "created_at",
                "cancelled_at",
                "venue__updated_at",
                "venue__schedule_changed_at",
            ),
        )

    def feed(self) -> Feed:
        w, now = self.window, self.now
        event_url = url_maker(self.request, "scenes:event-detail")
        items = [
            entries.booking_entry(b, now=now, with_code=False)
            for b in _booking_related(self._bookings())
        ]
        items += [
            entries.event_entry(e, venue=e.venue, room_name=e.room.name, url=event_url(e.pk))
            for e in self._events().select_related("venue", "room")
        ]
        items = sorted((e for e in items if kept(e, w)), key=lambda e: (e.start, e.uid))
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
        return make_stamp(
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
