"""Bookings as things a schedule change can affect (impact provider "bookings").

Mirrors scenes.event_impact. A pending or confirmed booking that still holds its slot
(bookings.states.holding_q) is affected when the change
- newly closes part of its time: a closed scene now covers it, or new opening hours or a
  dated exception (spaces.impact's HoursChange) leave part of it outside the room's hours;
- or takes away what allowed it: its time was inside a bookable scene whose rules let
  this booking be made (who may book, people) and after the change it is not (the scene
  stops taking bookings, is deleted, or turns into one for groups or staff only...);
- or deletes its room, or turns the room's bookings off (spaces.impact's RoomChange).
Only what the change newly breaks counts, so a booking the operator once kept as an
exception is not asked about again on every later edit. A checked-in booking is not
asked about: the resident is in the room, and it can no longer be cancelled.

keep: the booking stays, marked ``kept_by_operator``.
cancel: each booking is cancelled through bookings.services.bookings.booking_cancel with
the operator's message as the reason (cancelled_by_operator), inside the write's
transaction (venue_lock inside an already locked transaction is fine), and the resident
is told by SMS once it commits.
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from bookings import rules as booking_rules
from bookings.models import Booking, Status
from bookings.states import holding_q
from linli.dates import month_day, time_range
from scenes.choices import WhoMayBook
from scenes.event_impact import closed_reason, newly_closed
from scenes.resolution import Segment, segments_between, venue_timelines
from spaces.impact import Change, HoursChange, ImpactItem, RoomChange, operator_message
from spaces.permissions import venue_can_operate

logger = logging.getLogger(__name__)

KIND = "booking"
UTC = dt.UTC


def _affected_bookings(change: Change) -> list[Booking]:
    """Bookings in the change's rooms that still hold their slot and can be cancelled."""
    now = timezone.now()
    qs = Booking.objects.filter(
        holding_q(now),
        Q(status__in=(Status.PENDING, Status.CONFIRMED)),
        venue=change.venue,
        ends_at__gt=now,
    )
    room_ids = change.room_ids()
    if room_ids is not None:
        qs = qs.filter(room_id__in=room_ids)
    return list(qs.select_related("room", "resident", "group").order_by("starts_at", "pk"))


def _timelines(change: Change, *, start: dt.date, end: dt.date, rooms, after: bool) -> dict:
    """{room_id: [Segment]} on one side of the change (as in scenes.event_impact)."""
    if isinstance(change, HoursChange):
        hours = change.hours_rules(start=start, end=end, after=after)
        return venue_timelines(venue=change.venue, start=start, end=end, rooms=rooms, hours=hours)
    side = change.timelines_after if after else change.timelines_before
    return side(start=start, end=end, rooms=rooms)


def _not_allowed(booking: Booking, segments: list[Segment], runs) -> str | None:
    """Why ``booking`` could not be made on ``segments`` (whose bookable stretches are
    ``runs``); None when it could. Only what a schedule change can take away is judged: a
    bookable scene covering all of its time, who may book it, and how many people; the
    grid, notice and price stay as booked."""
    s, e = booking.starts_at.astimezone(UTC), booking.ends_at.astimezone(UTC)
    run = next((r for r in runs if r.start <= s and e <= r.end), None)
    if run is None:
        scenes = [g.scene for g in segments_between(segments, s, e) if g.scene is not None]
        if scenes:
            return _("该时段将不再接受预约（%(scene)s）") % {"scene": scenes[0].name}
        return _("该时段将不再接受预约")
    rules = run.rules
    who = rules.who_may_book
    if who == WhoMayBook.WALK_IN:
        return _("该时段将不再接受预约（%(scene)s）") % {"scene": run.segment.scene.name}
    if who == WhoMayBook.GROUPS and booking.group_id is None:
        return _("该时段将只接受自组织预约")
    if who == WhoMayBook.STAFF and not (
        booking.resident is not None
        and venue_can_operate(user=booking.resident, venue=booking.venue)
    ):
        return _("该时段将只供工作人员预约")
    if booking.people > rules.max_people_per_booking:
        return _("该时段每次最多 %(count)s 人") % {"count": rules.max_people_per_booking}
    return None


def booking_label(booking: Booking, zone: ZoneInfo) -> str:
    """ "12月2日 10:00-11:00 议事茶亭 · 张阿姨 · 合唱排练（2 人）" for the operator."""
    start, end = booking.starts_at.astimezone(zone), booking.ends_at.astimezone(zone)
    if booking.group is not None:
        who = booking.group.name
    elif booking.resident is not None:
        who = str(booking.resident)
    else:
        who = _("居民")
    return pgettext(
        "a booking a schedule change affects: date and time, room, who, purpose, people",
        "%(date)s %(time)s %(room)s · %(who)s · %(purpose)s（%(people)s 人）",
    ) % {
        "date": month_day(start),
        "time": time_range(start, end, end.date() != start.date()),
        "room": booking.room.name,
        "who": who,
        "purpose": booking.purpose,
        "people": booking.people,
    }


def _item(booking: Booking, zone: ZoneInfo, reason: str) -> ImpactItem:
    return ImpactItem(
        kind=KIND,
        id=booking.pk,
        room_id=booking.room_id,
        starts_at=booking.starts_at.astimezone(zone),
        ends_at=booking.ends_at.astimezone(zone),
        label=booking_label(booking, zone),
        reason=reason,
        resident_id=booking.resident_id,
    )


def find(change: Change) -> list[ImpactItem]:
    bookings = _affected_bookings(change)
    if not bookings:
        return []
    zone = change.venue.zone
    if isinstance(change, RoomChange):
        reason = _("该功能室将被删除") if change.removed else _("该功能室将不再接受预约")
        return [_item(booking, zone, reason) for booking in bookings]
    for booking in bookings:
        booking.venue = change.venue
    first = min(b.starts_at for b in bookings).astimezone(zone).date()
    last = max(b.ends_at for b in bookings).astimezone(zone).date()
    # From the day before: an overnight scene that began then covers the early hours.
    span = {"start": first - dt.timedelta(days=1), "end": last + dt.timedelta(days=1)}
    rooms = list({b.room_id: b.room for b in bookings}.values())
    after = _timelines(change, **span, rooms=rooms, after=True)
    before = _timelines(change, **span, rooms=rooms, after=False)
    # Each room's bookable stretches, once per side (a venue may have many bookings).
    runs_after = {pk: booking_rules.stretches(segments) for pk, segments in after.items()}
    runs_before = {pk: booking_rules.stretches(segments) for pk, segments in before.items()}
    items = []
    for booking in bookings:
        pk = booking.room_id
        segment = newly_closed(booking, after=after[pk], before=before[pk])
        if segment is not None:
            items.append(_item(booking, zone, closed_reason(segment)))
            continue
        if _not_allowed(booking, before[pk], runs_before[pk]) is not None:
            continue  # already outside the rules (kept as an exception earlier)
        reason = _not_allowed(booking, after[pk], runs_after[pk])
        if reason is not None:
            items.append(_item(booking, zone, reason))
    return items


def keep(items: list[ImpactItem], *, change: Change, user) -> None:
    """The bookings stay as exceptions to the new rules."""
    ids = [item.id for item in items]
    Booking.objects.filter(pk__in=ids).update(kept_by_operator=True)
    logger.info(
        "%s at venue %s: user %s kept bookings %s as exceptions",
        change.what(),
        change.venue.pk,
        getattr(user, "pk", None),
        ids,
    )


def cancel_reason(message: str) -> str:
    """The operator's message as each booking's cancel reason (the SMS quotes it)."""
    return operator_message(message)


def cancel(items: list[ImpactItem], *, change: Change, user, message: str) -> list[Booking]:
    """Cancel each booking with ``message`` as the reason; each resident gets an SMS."""
    from bookings import notifications
    from bookings.services.bookings import booking_cancel

    reason = cancel_reason(message)
    bookings = Booking.objects.select_related("venue", "room", "resident").in_bulk(
        [item.id for item in items]
    )
    cancelled = []
    first_of_series: dict[int, Booking] = {}
    for item in items:
        booking = bookings.get(item.id)
        if booking is None:
            continue
        in_series = booking.series_id is not None
        booking = booking_cancel(user=user, booking=booking, reason=reason, notify=not in_series)
        cancelled.append(booking)
        if in_series:
            # A weekly series gets one text for all its dates this change cancels.
            first_of_series.setdefault(booking.series_id, booking)
        elif isinstance(change, RoomChange) and change.removed:
            # The room's deletion takes its bookings along before the notice task reads
            # the booking: send the text as it reads now.
            notifications.queue_text(booking, "cancelled")
    for booking in first_of_series.values():
        if isinstance(change, RoomChange) and change.removed:
            notifications.queue_text(booking, "series_cancelled")
        else:
            notifications.queue(booking, "series_cancelled")
    logger.info(
        "%s at venue %s: user %s cancelled bookings %s",
        change.what(),
        change.venue.pk,
        getattr(user, "pk", None),
        [b.pk for b in cancelled],
    )
    return cancelled


def default_message(change: Change) -> str:
    """The reason residents read when the operator writes none."""
    return _("%(venue)s调整了%(what)s") % {"venue": change.venue.name, "what": change.what()}
