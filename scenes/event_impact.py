"""Published events as things a schedule change can affect (impact provider "events").

An event is affected when the change closes time it needs: a closed (maintenance,
private use) scene now covers part of it, a scene that kept it open goes away and
leaves closed time behind, or new opening hours or a dated exception (spaces.impact's
HoursChange) leave part of it outside the room's hours. Only time the change newly closes counts, so an event the
operator once kept as an exception is not asked about again on every later edit.

keep: nothing changes (the event simply stays published); the decision is logged.
cancel: each event is cancelled through scenes.services.events.event_cancel with the
operator's message as the reason, inside the write's transaction, so registrants
see the reason on the event page and their registrations are cancelled as usual.
"""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from linli.dates import month_day, time_range
from scenes.models import Event
from scenes.resolution import CLOSED, Segment, segments_between, venue_timelines
from scenes.selectors.events import with_counts
from scenes.services.events import CancelResult, event_cancel
from spaces.impact import Change, HoursChange, ImpactItem, RoomChange, operator_message

logger = logging.getLogger(__name__)

KIND = "event"
UTC = dt.UTC


def _affected_events(change: Change) -> list[Event]:
    """Published events in the change's rooms that have not started yet."""
    qs = Event.objects.filter(
        venue=change.venue,
        status=Event.Status.PUBLISHED,
        starts_at__gt=timezone.now(),
    )
    room_ids = change.room_ids()
    if room_ids is not None:
        qs = qs.filter(room_id__in=room_ids)
    return list(with_counts(qs).order_by("starts_at", "pk"))


def _closed_between(segments: list[Segment], start: dt.datetime, end: dt.datetime):
    return [g for g in segments_between(segments, start, end) if g.state == CLOSED]


def _overlap(a: tuple[dt.datetime, dt.datetime], b: tuple[dt.datetime, dt.datetime]):
    return max(min(a[1], b[1]) - max(a[0], b[0]), dt.timedelta(0))


def _utc(segment: Segment) -> tuple[dt.datetime, dt.datetime]:
    return segment.start.astimezone(UTC), segment.end.astimezone(UTC)


def newly_closed(event: Event, *, after: list[Segment], before: list[Segment]) -> Segment | None:
    """The first closed segment after the change that closes time of ``event`` which was
    open before it; None when the change closes none of the event's time."""
    span = (event.starts_at.astimezone(UTC), event.ends_at.astimezone(UTC))
    closed_before = [_utc(g) for g in _closed_between(before, *span)]
    for segment in _closed_between(after, *span):
        s, e = _utc(segment)
        part = (max(s, span[0]), min(e, span[1]))
        covered = sum((_overlap(part, b) for b in closed_before), dt.timedelta(0))
        if covered < part[1] - part[0]:
            return segment
    return None


def closed_reason(segment: Segment) -> str:
    """Why time a change newly closes is closed, for the operator (events and bookings)."""
    if segment.scene is not None:
        return _("该时段将改为暂停开放（%(scene)s）") % {"scene": segment.scene.name}
    return _("该时段将不在开放时间内")


def event_label(event: Event, zone: ZoneInfo) -> str:
    """ "11月25日 14:30-16:00 议事茶亭 · 品茶议事（已报名 8 人）" for the operator."""
    start, end = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
    if event.waitlisted:
        people = _("已报名 %(registered)s 人，候补 %(waiting)s 人") % {
            "registered": event.registered,
            "waiting": event.waitlisted,
        }
    else:
        people = _("已报名 %(registered)s 人") % {"registered": event.registered}
    return pgettext(
        "an event a scene change affects: date and time, room, title, registrations",
        "%(date)s %(time)s %(room)s · %(title)s（%(people)s）",
    ) % {
        "date": month_day(start),
        "time": time_range(start, end, end.date() != start.date()),
        "room": event.room.name,
        "title": event.title,
        "people": people,
    }


def _timelines(change: Change, *, start: dt.date, end: dt.date, rooms, after: bool) -> dict:
    """{room_id: [Segment]} on one side of the change: scenes' own timelines for a scene
    change; for an hours change the saved scenes over the hours before or after it."""
    if isinstance(change, HoursChange):
        hours = change.hours_rules(start=start, end=end, after=after)
        return venue_timelines(venue=change.venue, start=start, end=end, rooms=rooms, hours=hours)
    side = change.timelines_after if after else change.timelines_before
    return side(start=start, end=end, rooms=rooms)


def _item(event: Event, zone: ZoneInfo, reason: str) -> ImpactItem:
    return ImpactItem(
        kind=KIND,
        id=event.pk,
        room_id=event.room_id,
        starts_at=event.starts_at.astimezone(zone),
        ends_at=event.ends_at.astimezone(zone),
        label=event_label(event, zone),
        reason=reason,
    )


def find(change: Change) -> list[ImpactItem]:
    if isinstance(change, RoomChange) and not change.removed:
        return []  # an event needs an open room, not one that takes bookings
    events = _affected_events(change)
    if not events:
        return []
    zone = change.venue.zone
    if isinstance(change, RoomChange):
        return [_item(event, zone, _("该功能室将被删除")) for event in events]
    first = min(e.starts_at for e in events).astimezone(zone).date()
    last = max(e.ends_at for e in events).astimezone(zone).date()
    span = {"start": first, "end": last + dt.timedelta(days=1)}
    rooms = list({e.room_id: e.room for e in events}.values())
    # One pass over the events' whole date span for each side of the change.
    after = _timelines(change, **span, rooms=rooms, after=True)
    before = _timelines(change, **span, rooms=rooms, after=False)
    items = []
    for event in events:
        segment = newly_closed(event, after=after[event.room_id], before=before[event.room_id])
        if segment is None:
            continue
        items.append(_item(event, zone, closed_reason(segment)))
    return items


def keep(items: list[ImpactItem], *, change: Change, user) -> None:
    """The events stay published as exceptions to the new rules: nothing to change."""
    logger.info(
        "%s at venue %s: user %s kept events %s as exceptions",
        change.what(),
        change.venue.pk,
        getattr(user, "pk", None),
        [item.id for item in items],
    )


def cancel_reason(message: str) -> str:
    """The operator's message as an event's cancel reason (the notice adds its own 。)."""
    return operator_message(message, strip="。.")


def cancel(items: list[ImpactItem], *, change: Change, user, message: str) -> list[CancelResult]:
    """Cancel each event with ``message`` as the reason; registrants are told (notices)."""
    reason = cancel_reason(message)
    events = Event.objects.select_related("venue").in_bulk([item.id for item in items])
    results = []
    for item in items:
        event = events.get(item.id)
        if event is None or event.status == Event.Status.CANCELLED:
            continue
        results.append(event_cancel(user=user, event=event, reason=reason))
    logger.info(
        "%s at venue %s: user %s cancelled events %s, %s residents notified",
        change.what(),
        change.venue.pk,
        getattr(user, "pk", None),
        [e.pk for r in results for e in r.events],
        len({n.resident_id for r in results for n in r.notices}),
    )
    return results


def default_message(change: Change) -> str:
    """The reason residents read when the operator writes none."""
    return _("%(venue)s调整了%(what)s") % {"venue": change.venue.name, "what": change.what()}
