"""Writes for venues, rooms, hours and exceptions. Every write is one transaction and is
checked for permission here, so the API and the web pages cannot drift apart.

Writes that change what is open (hours, exceptions, rooms, a venue's zone, holiday policy
or publication) take the venue lock (spaces.locks) first. Hours and exception changes
that close time something already promised needs (a published event; bookings next) go
through spaces.impact: ``on_conflict="ask"`` answers 409 hours_affect_bookings with the
items, "keep" keeps them as exceptions, "cancel" cancels them with ``message``.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from linli.dates import past_date_message
from linli.errors import Conflict, DomainError, from_validation_error
from linli.text import join_list
from spaces.impact import HoursChange, RoomChange, settle_impact
from spaces.locks import venue_lock
from spaces.models import (
    AccessibilityFeature,
    Community,
    OpeningException,
    OpeningHours,
    Room,
    Venue,
)
from spaces.permissions import require_administrator, venue_require_operator
from spaces.selectors import local_today

VENUE_EDITABLE = {
    "kind",
    "name",
    "address",
    "time_zone",
    "description",
    "accessibility",
    "contact_phone",
    "holiday_policy",
    "is_published",
}
ROOM_EDITABLE = {"name", "description", "capacity", "amenities", "is_bookable", "order"}
# Venue fields that change what is open (and so take the venue lock).
VENUE_SCHEDULE_FIELDS = {"time_zone", "holiday_policy", "is_published"}


@dataclass(frozen=True)
class HoursRule:
    """One interval of a weekly rule, or (``closed``, no times) a room's day closed by its
    own rule, as opposed to a day with no rule of its own, when the room follows its venue.
    A venue has nothing to follow: its days without intervals are closed anyway."""

    day: int
    opens: dt.time | None = None
    closes: dt.time | None = None
    overnight: bool = False
    closed: bool = False


def _save(instance, *, exclude: Iterable[str] = ()) -> None:
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        raise from_validation_error(exc) from None
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise Conflict(_("与现有记录冲突，请检查名称是否重复。"), code="duplicate") from exc


def _check_accessibility(values: Sequence[str]) -> list[str]:
    allowed = set(AccessibilityFeature.values)
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise DomainError(
            _("未知的无障碍设施：%(codes)s") % {"codes": join_list(unknown)},
            code="invalid",
            field="accessibility",
        )
    return sorted(set(values), key=list(AccessibilityFeature.values).index)


def _location(latitude: float, longitude: float, coordinate_system: str) -> tuple[float, float]:
    from spaces.geo import to_wgs84

    return to_wgs84(latitude, longitude, coordinate_system)


@transaction.atomic
def venue_create(
    *,
    user,
    community: Community,
    kind: str,
    name: str,
    address: str,
    latitude: float,
    longitude: float,
    coordinate_system: str = "wgs84",
    **fields,
) -> Venue:
    require_administrator(user=user)
    unknown = set(fields) - VENUE_EDITABLE
    if unknown:
        raise DomainError(_("不能设置这些字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    if "accessibility" in fields:
        fields["accessibility"] = _check_accessibility(fields["accessibility"])
    lat, lon = _location(latitude, longitude, coordinate_system)
    venue = Venue(
        community=community,
        kind=kind,
        name=name,
        address=address,
        latitude=lat,
        longitude=lon,
        **fields,
    )
    _save(venue)
    return venue


@transaction.atomic
def venue_update(
    *,
    user,
    venue: Venue,
    latitude: float | None = None,
    longitude: float | None = None,
    coordinate_system: str = "wgs84",
    **changes,
) -> Venue:
    venue_require_operator(user=user, venue=venue)
    unknown = set(changes) - VENUE_EDITABLE
    if unknown:
        raise DomainError(_("不能修改这些字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    if "accessibility" in changes:
        changes["accessibility"] = _check_accessibility(changes["accessibility"])
    if (latitude is None) != (longitude is None):
        raise DomainError(
            _("纬度和经度需要一起填写。"), field="latitude" if latitude is None else "longitude"
        )
    if latitude is not None:
        venue.latitude, venue.longitude = _location(latitude, longitude, coordinate_system)
    if VENUE_SCHEDULE_FIELDS & set(changes):
        venue_lock(venue)
    for key, value in changes.items():
        setattr(venue, key, value)
    _save(venue)
    return venue


@transaction.atomic
def room_create(*, user, venue: Venue, name: str, capacity: int, **fields) -> Room:
    venue_require_operator(user=user, venue=venue)
    venue_lock(venue)
    unknown = set(fields) - ROOM_EDITABLE
    if unknown:
        raise DomainError(_("不能设置这些字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    room = Room(venue=venue, name=name, capacity=capacity, **fields)
    _save(room)
    return room


@transaction.atomic
def room_update(
    *, user, room: Room, on_conflict: str = "ask", message: str = "", **changes
) -> Room:
    """Change a room; turning its bookings off asks about what is booked (bookings next)."""
    venue_require_operator(user=user, venue=room.venue)
    unknown = set(changes) - ROOM_EDITABLE
    if unknown:
        raise DomainError(_("不能修改这些字段：%(f)s") % {"f": ", ".join(sorted(unknown))})
    venue_lock(room.venue_id)
    if room.is_bookable and changes.get("is_bookable") is False:
        settle_impact(
            change=RoomChange(venue=room.venue, room=room, bookable=False),
            on_conflict=on_conflict,
            user=user,
            message=message,
        )
    for key, value in changes.items():
        setattr(room, key, value)
    _save(room)
    return room


@transaction.atomic
def room_delete(*, user, room: Room, on_conflict: str = "ask", message: str = "") -> None:
    """Delete a room. Published events (and bookings) still to come in it are asked about
    first (409 room_affects_bookings); they can only be cancelled, not kept."""
    venue_require_operator(user=user, venue=room.venue)
    venue_lock(room.venue_id)
    settle_impact(
        change=RoomChange(venue=room.venue, room=room, removed=True),
        on_conflict=on_conflict,
        user=user,
        message=message,
    )
    room.delete()


def _validate_rules(rules: Sequence[HoursRule]) -> None:
    from spaces.hours import validate_day_intervals

    by_day: dict[int, list[tuple[int, HoursRule]]] = {}
    closed_days: set[int] = set()
    for index, rule in enumerate(rules):
        if not 0 <= rule.day <= OpeningHours.HOLIDAY:
            raise DomainError(_("星期取值无效。"), code="invalid", field=f"rules.{index}.day")
        if rule.closed:
            closed_days.add(rule.day)
            continue
        if rule.opens is None or rule.closes is None:
            raise DomainError(
                _("请填写开门和关门时间，或把这一天设为休息。"),
                code="invalid",
                field=f"rules.{index}.opens",
            )
        by_day.setdefault(rule.day, []).append((index, rule))
    for day, items in by_day.items():
        if day in closed_days:
            raise DomainError(
                _("同一天不能既休息又有开放时间。"),
                code="closed_day_has_hours",
                field=f"rules.{items[0][0]}",
            )
        # The "holiday" pseudo-day has no neighbour, so spill-over is checked within a day.
        validate_day_intervals(
            [(r.opens, r.closes, r.overnight) for _, r in items],
            field_prefix=[f"rules.{i}" for i, _ in items],
            next_day=[
                (r.opens, r.closes, r.overnight)
                for r in rules
                if day < OpeningHours.HOLIDAY and r.day == (day + 1) % 7 and not r.closed
            ],
        )


def _room_of(venue: Venue, room: Room | None) -> None:
    if room is not None and room.venue_id != venue.pk:
        raise DomainError(_("功能室不属于该场馆。"), code="room_not_in_venue", field="room")


@transaction.atomic
def hours_set(
    *,
    user,
    venue: Venue,
    room: Room | None = None,
    rules: Sequence[HoursRule],
    on_conflict: str = "ask",
    message: str = "",
) -> list[OpeningHours]:
    """Replace the weekly rules of a venue (or of one of its rooms) in one go.

    Operators edit a week as a whole; replacing avoids half-applied edits where Tuesday's
    new interval collides with Tuesday's old one. A venue's closed days are stored as no
    rows; a room's as one ``closed`` row, so that they differ from following the venue.
    """
    from spaces.hours.rules import Span

    venue_require_operator(user=user, venue=venue)
    _room_of(venue, room)
    _validate_rules(rules)
    if room is None:
        rules = [r for r in rules if not r.closed]
    venue_lock(venue)
    weekly: dict[int, tuple[Span, ...]] = {}
    for r in rules:
        spans = () if r.closed else (Span(r.opens, r.closes, r.overnight),)
        weekly[r.day] = weekly.get(r.day, ()) + spans
    settle_impact(
        change=HoursChange(venue=venue, room=room, weekly=weekly),
        on_conflict=on_conflict,
        user=user,
        message=message,
    )
    OpeningHours.objects.filter(venue=venue, room=room).delete()
    created = [
        OpeningHours(
            venue=venue,
            room=room,
            day=r.day,
            opens=r.opens,
            closes=r.closes,
            overnight=r.overnight,
        )
        for r in sorted(rules, key=lambda r: (r.day, r.closed, r.opens or dt.time(0)))
    ]
    for row in created:
        _save(row)
    return created


@transaction.atomic
def exception_set(
    *,
    user,
    venue: Venue,
    date: dt.date,
    reason: str,
    room: Room | None = None,
    intervals: Sequence[tuple[dt.time, dt.time, bool]] = (),
    on_conflict: str = "ask",
    message: str = "",
) -> list[OpeningException]:
    """Set a dated exception: closed all day (no intervals) or special hours.

    Setting an exception for a date replaces any earlier one for the same date and scope.
    """
    from spaces.hours import validate_day_intervals
    from spaces.hours.rules import ExceptionDay, Span

    venue_require_operator(user=user, venue=venue)
    _room_of(venue, room)
    if not reason.strip():
        raise DomainError(_("请填写原因，居民会看到它。"), code="invalid", field="reason")
    if date < (today := local_today(venue)):
        raise DomainError(past_date_message(date, today), code="date_in_past", field="date")
    validate_day_intervals(
        list(intervals), field_prefix=[f"intervals.{i}" for i in range(len(intervals))]
    )
    venue_lock(venue)
    spans = tuple(sorted(Span(o, c, n) for o, c, n in intervals))
    settle_impact(
        change=HoursChange(
            venue=venue,
            room=room,
            exception_date=date,
            exception=ExceptionDay(closed=not spans, spans=spans, reason=reason.strip()),
        ),
        on_conflict=on_conflict,
        user=user,
        message=message,
    )
    previous = OpeningException.objects.filter(venue=venue, room=room, date=date)
    made_at = exception_made_at(list(previous), spans)
    previous.delete()
    rows = [
        OpeningException(
            venue=venue,
            room=room,
            date=date,
            opens=opens,
            closes=closes,
            overnight=overnight,
            reason=reason.strip(),
        )
        for opens, closes, overnight in intervals
    ] or [OpeningException(venue=venue, room=room, date=date, reason=reason.strip())]
    for row in rows:
        _save(row)
    if made_at is not NEW_EXCEPTION:
        OpeningException.objects.filter(pk__in=[r.pk for r in rows]).update(created_at=made_at)
        for row in rows:
            row.created_at = made_at
    return rows


NEW_EXCEPTION = object()


def exception_made_at(previous: list[OpeningException], spans: tuple):
    """When the hours an exception sets were first decided: the replaced rows' creation
    time if the times stay the same (only the reason changes), else ``NEW_EXCEPTION``
    (the import follows the same rule). Metrics judge
    a closure by how long before its date it was made (predictability), and rewording a
    notice does not make the closure new."""
    from spaces.hours.rules import Span

    if not previous:
        return NEW_EXCEPTION
    closed = any(r.opens is None for r in previous)
    old = () if closed else tuple(sorted(Span(r.opens, r.closes, r.overnight) for r in previous))
    if old != spans:
        return NEW_EXCEPTION
    times = [r.created_at for r in previous]
    return None if None in times else min(times)


@transaction.atomic
def exception_delete(
    *,
    user,
    venue: Venue,
    date: dt.date,
    room: Room | None = None,
    on_conflict: str = "ask",
    message: str = "",
) -> int:
    """Remove a dated exception; the weekly hours apply again on that date (which may
    close time special hours had opened: asked about like any other hours change)."""
    venue_require_operator(user=user, venue=venue)
    _room_of(venue, room)
    venue_lock(venue)
    settle_impact(
        change=HoursChange(venue=venue, room=room, exception_date=date, exception=None),
        on_conflict=on_conflict,
        user=user,
        message=message,
    )
    deleted, _unused = OpeningException.objects.filter(venue=venue, room=room, date=date).delete()
    return deleted
