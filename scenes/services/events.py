"""Writes for events (活动): publishing and cancelling.

Registration and the waitlist live in scenes.services.registrations. Both modules change
an event only while holding its row lock (``locked_event``) inside the write's
transaction, so a cancellation and a registration for the same event never interleave.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.dates import month_day, month_day_time, time_range
from linli.errors import Conflict, DomainError, NotFound
from linli.text import join_clauses, join_list
from scenes.models import Event, EventRegistration, EventSeries, Group, SceneKind
from scenes.selectors.events import events_cancel_reaches
from scenes.selectors.groups import group_can_book_at
from spaces.locks import venue_lock
from spaces.models import Room, Venue
from spaces.permissions import venue_require_operator

MAX_WEEKS = 52
TITLE_MAX = 80
DESCRIPTION_MAX = 2000
REASON_MAX = 200
Registration = EventRegistration.Status


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    conflict: bool = False
    field: str | None = None


@dataclass
class Notice:
    """What a resident is told about a change to their registration."""

    resident_id: int
    phone_masked: str
    message: str


@dataclass
class CancelResult:
    events: list[Event]
    notices: list[Notice] = field(default_factory=list)


def _local(at: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    return at.astimezone(zone)


def when_text(event_start: dt.datetime, zone: ZoneInfo) -> str:
    local = _local(event_start, zone)
    return month_day_time(local)


def weekly_occurrences(
    *, starts_at: dt.datetime, ends_at: dt.datetime, weeks: int, zone: ZoneInfo
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The same local wall-clock times on ``weeks`` consecutive weeks (UTC datetimes).

    Weeks are added to the local time, not to UTC, so a weekly 14:30 session stays at 14:30
    in a zone that changes its clocks.
    """
    local_s = _local(starts_at, zone).replace(tzinfo=None)
    local_e = _local(ends_at, zone).replace(tzinfo=None)
    result = []
    for k in range(weeks):
        s = (local_s + dt.timedelta(weeks=k)).replace(tzinfo=zone)
        e = (local_e + dt.timedelta(weeks=k)).replace(tzinfo=zone)
        result.append((s.astimezone(dt.UTC), e.astimezone(dt.UTC)))
    return result


def _outside_hours_text(starts_at: dt.datetime, intervals, zone: ZoneInfo) -> str:
    """Not open then, and what the hours are that day, so the operator can pick a time."""
    day = _local(starts_at, zone).date()
    midnight = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    hours = [
        time_range(
            i.start.astimezone(zone), i.end.astimezone(zone), i.end.astimezone(zone).date() > day
        )
        for i in intervals
        if i.start < midnight + dt.timedelta(days=1) and i.end > midnight
    ]
    if not hours:
        return _("不在该功能室的开放时间内：%(day)s该功能室不开放，请换一天") % {
            "day": month_day(day)
        }
    return _(
        "不在该功能室的开放时间内：该功能室%(day)s的开放时间是 %(hours)s，请在这段时间内安排"
    ) % {
        "day": month_day(day),
        "hours": join_list(hours),
    }


def _check_occurrence(
    *,
    venue: Venue,
    room: Room,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    intervals,
    timeline,
    now: dt.datetime,
) -> tuple[Problem | None, object]:
    """(problem or None, the scene in force at the start or None)."""
    if starts_at <= now:
        return Problem("event_in_past", _("开始时间已过"), field="starts_at"), None
    inside = any(
        i.start.astimezone(dt.UTC) <= starts_at and ends_at <= i.end.astimezone(dt.UTC)
        for i in intervals
    )
    if not inside:
        return Problem(
            "outside_opening_hours",
            _outside_hours_text(starts_at, intervals, venue.zone),
            field="starts_at",
        ), None
    from scenes.resolution import segments_between

    scene_at_start = None
    for segment in segments_between(timeline, starts_at, ends_at):
        if segment.scene is None:
            continue
        if segment.scene.kind == SceneKind.CLOSED:
            return Problem(
                "closed_scene",
                _("与暂停开放时段“%(scene)s”冲突") % {"scene": segment.scene.name},
                field="starts_at",
            ), None
        if scene_at_start is None and segment.contains(starts_at):
            scene_at_start = segment.scene
    clash = (
        Event.objects.filter(
            room=room,
            status=Event.Status.PUBLISHED,
            starts_at__lt=ends_at,
            ends_at__gt=starts_at,
        )
        .order_by("starts_at")
        .first()
    )
    if clash is not None:
        return Problem(
            "event_overlap",
            _("与同一功能室的活动“%(title)s”时间重叠") % {"title": clash.title},
            conflict=True,
            field="starts_at",
        ), None
    from scenes.occupancy import room_occupied

    occupant = room_occupied(room=room, starts_at=starts_at, ends_at=ends_at, now=now)
    if occupant:
        return Problem(
            "room_booked",
            _("与%(what)s时间重叠") % {"what": occupant},
            conflict=True,
            field="starts_at",
        ), None
    return None, scene_at_start


def _clean_text(value: str, *, field_name: str, limit: int, required: bool, label: str) -> str:
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("请填写%(label)s。") % {"label": label}, field=field_name)
    if len(value) > limit:
        raise DomainError(
            _("%(label)s不能超过 %(n)s 个字。") % {"label": label, "n": limit}, field=field_name
        )
    return value


def event_publish(
    *,
    user,
    venue: Venue,
    room: Room,
    title: str,
    capacity: int,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    description: str = "",
    organiser_group: Group | None = None,
    weeks: int = 1,
) -> list[Event]:
    """Publish an event, or the same event weekly for ``weeks`` weeks (all or none).

    Each occurrence must lie in the future, inside the room's opening hours, outside any
    closed scene and clear of other events in the room. When one week fails nothing is
    saved, and the message names every week that failed.
    """
    venue_require_operator(user=user, venue=venue)
    if room.venue_id != venue.pk:
        raise DomainError(_("该功能室不属于此场馆。"), code="room_not_in_venue", field="room")
    title = _clean_text(title, field_name="title", limit=TITLE_MAX, required=True, label=_("标题"))
    description = _clean_text(
        description,
        field_name="description",
        limit=DESCRIPTION_MAX,
        required=False,
        label=_("简介"),
    )
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise DomainError(_("时间必须带时区。"), code="invalid", field="starts_at")
    if ends_at <= starts_at:
        raise DomainError(
            _("结束时间必须晚于开始时间。"), code="event_end_before_start", field="ends_at"
        )
    if not (isinstance(weeks, int) and 1 <= weeks <= MAX_WEEKS):
        raise DomainError(
            _("重复周数须在 1 到 %(n)s 之间。") % {"n": MAX_WEEKS},
            code="invalid_weeks",
            field="weeks",
        )
    if not (isinstance(capacity, int) and capacity >= 1):
        raise DomainError(_("名额至少为 1。"), code="invalid_capacity", field="capacity")
    if capacity > room.capacity:
        raise DomainError(
            _("名额不能超过功能室容量（%(n)s 人）。") % {"n": room.capacity},
            code="capacity_exceeds_room",
            field="capacity",
        )
    if organiser_group is not None and not group_can_book_at(group=organiser_group, venue=venue):
        raise DomainError(
            _("“%(group)s”尚未获本场馆批准，不能主办活动。") % {"group": organiser_group.name},
            code="organiser_not_approved",
            field="organiser_group",
        )

    from scenes.resolution import room_timeline
    from spaces.hours import open_intervals

    zone = venue.zone
    occurrences = weekly_occurrences(starts_at=starts_at, ends_at=ends_at, weeks=weeks, zone=zone)
    first_day = _local(occurrences[0][0], zone).date()
    last_day = _local(occurrences[-1][1], zone).date() + dt.timedelta(days=1)
    with transaction.atomic():
        # Lock first, then read what the decision depends on: a concurrent hours change,
        # scene or event at this venue waits, so the checks below see the final state.
        locked = venue_lock(venue)
        now = timezone.now()
        # One pass over the whole range, not one per week: hours for "is it open", the
        # scene timeline for closed scenes and for the scene each event belongs to.
        # (A day more than the events need: the hours named in an error run to their end.)
        intervals = open_intervals(
            venue=locked, room=room, start=first_day, end=last_day + dt.timedelta(days=1)
        )
        timeline = room_timeline(room=room, start=first_day, end=last_day)
        problems: list[tuple[int, dt.datetime, Problem]] = []
        scenes = []
        for week, (s, e) in enumerate(occurrences, start=1):
            problem, scene = _check_occurrence(
                venue=venue,
                room=room,
                starts_at=s,
                ends_at=e,
                intervals=intervals,
                timeline=timeline,
                now=now,
            )
            if problem:
                problems.append((week, s, problem))
            scenes.append(scene)
        if problems:
            raise _publish_error(problems, weeks=weeks, zone=zone)
        series = EventSeries.objects.create(weeks=weeks) if weeks > 1 else None
        events = [
            Event.objects.create(
                venue=venue,
                room=room,
                scene=scene,
                series=series,
                title=title,
                description=description,
                organiser_group=organiser_group,
                capacity=capacity,
                starts_at=s,
                ends_at=e,
                created_by=user,
            )
            for (s, e), scene in zip(occurrences, scenes, strict=True)
        ]
    return events


def _publish_error(problems, *, weeks: int, zone: ZoneInfo) -> DomainError:
    first = problems[0][2]
    if weeks == 1:
        message = _("无法发布：%(problem)s。") % {"problem": first.message}
    else:
        parts = [
            _("第 %(week)s 周（%(when)s）%(problem)s")
            % {"week": week, "when": when_text(start, zone), "problem": problem.message}
            for week, start, problem in problems
        ]
        message = _("无法发布，以下各周有问题，所有活动均未保存：%(parts)s。") % {
            "parts": join_clauses(parts)
        }
    cls = Conflict if first.conflict else DomainError
    return cls(message, code=first.code, field=first.field)


def locked_event(event: Event) -> Event:
    try:
        return Event.objects.select_for_update().select_related("venue").get(pk=event.pk)
    except Event.DoesNotExist:
        raise NotFound(_("找不到该活动。"), code="event_not_found") from None


def event_cancel(
    *, user, event: Event, reason: str = "", whole_series: bool = False
) -> CancelResult:
    """An operator calls off an event (or it and the rest of its series).

    Every active registration is cancelled and its resident gets a notice with the reason;
    the notices are returned for the caller to show (SMS comes later).
    """
    venue_require_operator(user=user, venue=event.venue)
    reason = _clean_text(
        reason, field_name="reason", limit=REASON_MAX, required=False, label=_("取消原因")
    )
    now = timezone.now()
    with transaction.atomic():
        venue_lock(event.venue_id)
        event = locked_event(event)
        if event.status == Event.Status.CANCELLED:
            raise Conflict(_("该活动已取消。"), code="event_cancelled")
        if event.ends_at <= now:
            raise Conflict(_("该活动已结束，不能取消。"), code="event_past")
        later = events_cancel_reaches(event=event, whole_series=whole_series).exclude(pk=event.pk)
        targets = [event, *later.select_for_update()]
        zone = event.venue.zone
        notices: list[Notice] = []
        for target in targets:
            target.status = Event.Status.CANCELLED
            target.cancelled_at = now
            target.cancel_reason = reason
            target.save(update_fields=["status", "cancelled_at", "cancel_reason"])
            active = list(
                EventRegistration.objects.filter(event=target)
                .exclude(status=Registration.CANCELLED)
                .select_related("resident")
                .order_by("created_at", "pk")
            )
            EventRegistration.objects.filter(pk__in=[r.pk for r in active]).update(
                status=Registration.CANCELLED, cancelled_at=now
            )
            when = when_text(target.starts_at, zone)
            for r in active:
                if reason:
                    text = _("活动“%(title)s”（%(when)s）已取消，原因：%(reason)s。") % {
                        "title": target.title,
                        "when": when,
                        "reason": reason,
                    }
                else:
                    text = _("活动“%(title)s”（%(when)s）已取消。") % {
                        "title": target.title,
                        "when": when,
                    }
                notices.append(
                    Notice(
                        resident_id=r.resident_id,
                        phone_masked=r.resident.phone_masked,
                        message=text,
                    )
                )
    return CancelResult(events=targets, notices=notices)
