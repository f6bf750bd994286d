"""Rows + statutory calendar -> open intervals. The one place that decides when a space is open.

For a local date D the venue's hours come from, in order of precedence:
1. its dated exceptions for D (closed all day, or replacement intervals);
2. if D is in a holiday break: the holiday policy ("closed"; "as_usual" = D's weekday
   rules; "special" = the day-7 rules);
3. if D is a make-up working day: the rules of the weekday it makes up for;
4. otherwise the rules of D's weekday.

On a day without a rule of its own a room follows the venue. On a day with one (chosen
for D as above: its day-7 rule during a break when that closes the room, or under
"special"; else its weekday rule) it is open only when both the venue and its own rule
say open; a room day closed by its own rule is closed. A room's own dated
exceptions are the most specific rule there is: on that date they alone decide the room's
hours. Venue exceptions apply to every room.

Intervals belong to the day they start on: an overnight Friday 18:00-02:00 is Friday's,
and an exception or holiday on Saturday does not cut its spill into Saturday morning.
All arithmetic is in UTC (same-zone datetimes compare by wall clock, which is wrong across
a DST change); results are given back in the venue's zone.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from linli.dates import weekday_name
from linli.errors import DomainError
from spaces.calendar import MAX_DATE, MIN_DATE, DayInfo, days_info
from spaces.hours.rules import ExceptionDay, HoursRules, Span, load_rules
from spaces.hours.types import UTC, DayKind, DaySchedule, Interval
from spaces.models import HolidayPolicy, OpeningHours, Room, Venue

ONE_DAY = dt.timedelta(days=1)

Pair = tuple[dt.datetime, dt.datetime]  # UTC


@dataclass(frozen=True, slots=True)
class _Plan:
    spans: tuple[Span, ...]
    kind: str
    label: str
    reason: str


def _exception_plan(exc: ExceptionDay) -> _Plan:
    return _Plan(exc.spans, DayKind.EXCEPTION, exc.reason, exc.reason)


def _venue_plan(rules: HoursRules, info: DayInfo) -> _Plan:
    if (exc := rules.exceptions.get(info.date)) is not None:
        return _exception_plan(exc)
    weekly = rules.weekly
    weekday = info.date.weekday()
    if info.in_holiday_break:
        policy = rules.venue.holiday_policy
        if policy == HolidayPolicy.AS_USUAL:
            spans, reason = weekly.get(weekday, ()), _("节假日照常开放")
        elif policy == HolidayPolicy.SPECIAL:
            spans, reason = weekly.get(OpeningHours.HOLIDAY, ()), _("节假日特殊开放时间")
        else:
            spans, reason = (), _("节假日闭馆")
        return _Plan(spans, DayKind.HOLIDAY, info.holiday_name or _("节假日"), reason)
    if info.is_makeup_workday and info.makeup_weekday is not None:
        paired = info.makeup_weekday
        return _Plan(
            weekly.get(paired, ()),
            DayKind.MAKEUP_WORKDAY,
            _("调休上班"),
            _("调休上班，按%(weekday)s的开放时间") % {"weekday": weekday_name(paired)},
        )
    return _Plan(weekly.get(weekday, ()), DayKind.REGULAR, "", "")


def _room_own_spans(
    own: dict[int, tuple[Span, ...]], policy: str, info: DayInfo
) -> tuple[Span, ...] | None:
    """The room's own spans for the day; () closed by its own rule; None: no rule of its
    own that day, so it follows the venue."""
    weekday = info.date.weekday()
    if info.in_holiday_break:
        holiday = own.get(OpeningHours.HOLIDAY)
        # "Closed during holiday breaks" holds under every policy; special hours only
        # under "special". Should a venue exception open a break under "closed", the room
        # keeps to its ordinary weekday rules.
        if holiday == () or (policy == HolidayPolicy.SPECIAL and holiday is not None):
            return holiday
        return own.get(weekday)
    if info.is_makeup_workday and info.makeup_weekday is not None:
        return own.get(info.makeup_weekday)
    return own.get(weekday)


def _to_utc(day: dt.date, span: Span, zone: ZoneInfo) -> Pair | None:
    start = dt.datetime.combine(day, span.opens, tzinfo=zone).astimezone(UTC)
    end_day = day + ONE_DAY if span.overnight else day
    end = dt.datetime.combine(end_day, span.closes, tzinfo=zone).astimezone(UTC)
    return (start, end) if end > start else None


def _pairs(day: dt.date, spans: tuple[Span, ...], zone: ZoneInfo) -> list[Pair]:
    return [p for span in spans if (p := _to_utc(day, span, zone)) is not None]


def merge(pairs: list[Pair]) -> list[Pair]:
    """Sorted union; touching intervals join (closing at 12:00 and reopening at 12:00)."""
    merged: list[Pair] = []
    for start, end in sorted(pairs):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def intersect(a: list[Pair], b: list[Pair]) -> list[Pair]:
    """Intersection of two merged (sorted, disjoint) lists."""
    result: list[Pair] = []
    i = j = 0
    while i < len(a) and j < len(b):
        start = max(a[i][0], b[j][0])
        end = min(a[i][1], b[j][1])
        if start < end:
            result.append((start, end))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return result


@dataclass(frozen=True, slots=True)
class Resolved:
    infos: list[DayInfo]
    plans: dict[dt.date, _Plan]
    pairs: list[Pair]  # UTC, not merged across rows, starting from the day before `start`
    zone: ZoneInfo


def date_out_of_range() -> DomainError:
    return DomainError(
        _("日期超出支持的范围（%(first)s 至 %(last)s）。")
        % {"first": MIN_DATE + ONE_DAY, "last": MAX_DATE},
        code="date_out_of_range",
    )


def prepare_rules(
    *, venue: Venue, room: Room | None, start: dt.date, end: dt.date, rules: HoursRules | None
) -> HoursRules:
    if room is not None and room.venue_id != venue.pk:
        raise ValueError(f"room {room.pk} is not in venue {venue.pk}")
    if start <= MIN_DATE or end > MAX_DATE:
        raise date_out_of_range()
    if rules is None:
        return load_rules(venue=venue, start=start, end=end)
    rules.check(
        venue=venue,
        room_id=room.pk if room is not None else None,
        first=start - ONE_DAY,
        last=end - ONE_DAY,
    )
    return rules


def resolve(*, rules: HoursRules, room: Room | None, start: dt.date, end: dt.date) -> Resolved:
    """Plans and UTC intervals for the days [start - 1, end)."""
    zone = rules.zone
    infos = days_info(start - ONE_DAY, end)
    plans = {info.date: _venue_plan(rules, info) for info in infos}
    venue_pairs = {d: _pairs(d, plan.spans, zone) for d, plan in plans.items()}
    if room is None:
        pairs = [p for ps in venue_pairs.values() for p in ps]
        return Resolved(infos, plans, pairs, zone)

    room_days = {
        info.date: exc
        for info in infos
        if (exc := rules.room_exceptions.get((room.pk, info.date))) is not None
    }
    own = rules.room_weekly.get(room.pk) or {}
    policy = rules.venue.holiday_policy
    own_days = {
        info.date: spans
        for info in infos
        if info.date not in room_days and (spans := _room_own_spans(own, policy, info)) is not None
    }
    # Days without a rule of the room's own follow the venue; on the others the room is
    # open only where both are (its overnight spans meet the venue's next morning).
    pairs = [
        p for d, ps in venue_pairs.items() if d not in room_days and d not in own_days for p in ps
    ]
    if own_days:
        venue_open = merge([p for ps in venue_pairs.values() for p in ps])
        room_open = merge([p for d, spans in own_days.items() for p in _pairs(d, spans, zone)])
        pairs.extend(intersect(venue_open, room_open))
    for d, exc in room_days.items():
        plans[d] = _exception_plan(exc)
        pairs.extend(_pairs(d, exc.spans, zone))
    return Resolved(infos, plans, pairs, zone)


def local_midnight_utc(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=zone).astimezone(UTC)


def clipped(resolved: Resolved, start: dt.date, end: dt.date) -> list[Pair]:
    lo = local_midnight_utc(start, resolved.zone)
    hi = local_midnight_utc(end, resolved.zone)
    return [(max(s, lo), min(e, hi)) for s, e in merge(resolved.pairs) if e > lo and s < hi]


def open_intervals(
    *,
    venue: Venue,
    room: Room | None = None,
    start: dt.date,
    end: dt.date,
    rules: HoursRules | None = None,
) -> list[Interval]:
    """When ``venue`` (or ``room``) is open during the local dates [start, end).

    Sorted, merged, non-overlapping intervals in the venue's zone, clipped to the range:
    the morning part of an overnight interval from the day before ``start`` is included,
    anything past the end of ``end - 1`` is cut off.
    """
    if end <= start:
        return []
    rules = prepare_rules(venue=venue, room=room, start=start, end=end, rules=rules)
    resolved = resolve(rules=rules, room=room, start=start, end=end)
    zone = resolved.zone
    return [
        Interval(s.astimezone(zone), e.astimezone(zone)) for s, e in clipped(resolved, start, end)
    ]


def day_schedules(
    *,
    venue: Venue,
    room: Room | None = None,
    start: dt.date,
    end: dt.date,
    rules: HoursRules | None = None,
) -> list[DaySchedule]:
    """One DaySchedule per local date in [start, end): its intervals (those starting that
    day, unclipped) and which rule gave them (kind, label, reason, announced)."""
    if end <= start:
        return []
    rules = prepare_rules(venue=venue, room=room, start=start, end=end, rules=rules)
    resolved = resolve(rules=rules, room=room, start=start, end=end)
    zone = resolved.zone
    by_day: dict[dt.date, list[Pair]] = defaultdict(list)
    for s, e in resolved.pairs:
        by_day[s.astimezone(zone).date()].append((s, e))
    schedules = []
    for info in resolved.infos:
        if info.date < start:
            continue
        plan = resolved.plans[info.date]
        schedules.append(
            DaySchedule(
                date=info.date,
                intervals=[
                    Interval(s.astimezone(zone), e.astimezone(zone))
                    for s, e in merge(by_day.get(info.date, []))
                ],
                kind=plan.kind,
                label=plan.label,
                reason=plan.reason,
                announced=info.announced,
                day=info,
            )
        )
    return schedules
