"""What no single row shows: duplicates and contradictions between rows, holding
bookings that overlap (in the file or with the database), and history that no longer
fits today's hours and scenes (warnings: a ledger records what happened)."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from types import SimpleNamespace

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings import rules
from bookings.ledger.records import Spec
from bookings.ledger.report import CHECKIN, Problems
from bookings.models import HOLDING, Booking, Status
from linli.errors import DomainError
from scenes.booking_rules import KIND_DEFAULTS
from scenes.models import SceneKind
from scenes.resolution import CLOSED, SCENE, Segment, venue_timelines

# Where no scene covers a booking's time, its windows follow the public-benefit defaults.
DEFAULT_RULES = SimpleNamespace(**KIND_DEFAULTS[SceneKind.PUBLIC])
ONE_DAY = dt.timedelta(days=1)

# bookings.rules.placement's codes, reworded for history: said to an operator, not to a
# resident choosing a slot.
_PLACEMENT_WARNINGS = {
    "outside_opening_hours": gettext_lazy("按现行开放时间，这个时间不开放；已按台账原样导入。"),
    "scene_closed": gettext_lazy("按现行场景安排，这个时间暂停开放；已按台账原样导入。"),
    "not_bookable": gettext_lazy("按现行场景安排，这个时间不接受预约；已按台账原样导入。"),
    "spans_scenes": gettext_lazy("按现行场景安排，这个预约跨越两个场景；已按台账原样导入。"),
    "off_grid": gettext_lazy("不在现行场景的预约时间格上；已按台账原样导入。"),
}


def dedupe(specs: list[Spec], problems: Problems) -> list[Spec]:
    """One spec per (venue, key): an identical repeat is dropped with a warning, a repeat
    that says something else is an error (which of the two is true?)."""
    first: dict[tuple[int, str], Spec] = {}
    kept: list[Spec] = []
    for spec in specs:
        other = first.get((spec.venue.pk, spec.key))
        if other is None:
            first[(spec.venue.pk, spec.key)] = spec
            kept.append(spec)
            continue
        # A resident's walk-in counts once a day, like a second scan at the desk.
        walk_in = spec.kind == CHECKIN and not spec.event
        if walk_in and spec.content() != other.content():
            problems.warn(
                spec.row.whole,
                _("同一居民同一天在本场馆的到访只记一次（见第 %(row)d 行），已忽略。")
                % {"row": other.row.number},
                "walk_in_once_a_day",
            )
        elif spec.content() == other.content():
            problems.warn(
                spec.row.whole,
                _("与第 %(row)d 行是同一条记录，已忽略。") % {"row": other.row.number},
                "duplicate",
            )
        else:
            problems.error(
                spec.row.whole,
                _("与第 %(row)d 行是同一条记录，但内容不同，请核对保留哪一行。")
                % {"row": other.row.number},
                "duplicate_contradicts",
            )
    return kept


class Timelines:
    """Each venue's room timelines over the file's dates, computed once per venue."""

    def __init__(self, specs: list[Spec]) -> None:
        spans: dict[int, list] = {}
        for spec in specs:
            lo, hi = spans.setdefault(
                spec.venue.pk, [spec.venue, spec.local_date, spec.local_date]
            )[1:]
            spans[spec.venue.pk][1:] = [min(lo, spec.local_date), max(hi, spec.local_date)]
        # room -> its segments and their starts (UTC), for bisecting: a year of history
        # is thousands of segments, and each row needs only the few around it.
        self.rooms: dict[int, tuple[list[Segment], list[dt.datetime]]] = {}
        self.by_venue: dict[int, list[int]] = {}
        for venue, lo, hi in spans.values():
            found = venue_timelines(venue=venue, start=lo - ONE_DAY, end=hi + 2 * ONE_DAY)
            for room_id, segments in found.items():
                self.rooms[room_id] = (segments, [g.start.astimezone(dt.UTC) for g in segments])
            self.by_venue[venue.pk] = list(found)

    def at(self, room_id: int, when: dt.datetime) -> Segment | None:
        segments, starts = self.rooms.get(room_id, ([], []))
        index = bisect.bisect_right(starts, when) - 1
        if index >= 0 and segments[index].contains(when):
            return segments[index]
        return None

    def around(self, room_id: int, start: dt.datetime, end: dt.datetime) -> list[Segment]:
        """The room's segments from a day before ``start`` to a day after ``end``: all
        that bookings.rules.placement looks at for [start, end)."""
        segments, starts = self.rooms.get(room_id, ([], []))
        lo = max(bisect.bisect_right(starts, start - ONE_DAY) - 1, 0)
        hi = bisect.bisect_right(starts, end + ONE_DAY)
        return segments[lo:hi]

    def is_open(self, spec: Spec, when: dt.datetime) -> bool:
        room_ids = [spec.room.pk] if spec.room else self.by_venue.get(spec.venue.pk, [])
        for room_id in room_ids:
            segment = self.at(room_id, when)
            if segment is not None and segment.state != CLOSED:
                return True
        return False


def place_booking(spec: Spec, timelines: Timelines, problems: Problems, now: dt.datetime) -> dict:
    """The fields the app would have written for this booking (scene, windows, status as
    the clock makes it now), with warnings where today's schedule disagrees."""
    segments = timelines.around(spec.room.pk, spec.starts_at, spec.ends_at)
    segment = timelines.at(spec.room.pk, spec.starts_at)
    scene = segment.scene if segment is not None and segment.scene is not None else None
    found = segment.rules if segment is not None and segment.state == SCENE else None
    try:
        rules.placement(segments, spec.starts_at, spec.ends_at)
    except DomainError as exc:
        message = str(_PLACEMENT_WARNINGS.get(exc.code, exc.message))
        problems.warn(spec.row.cell("start"), message, exc.code)
    if spec.people > spec.room.capacity:
        problems.warn(
            spec.row.cell("people"),
            _("人数超过功能室现在的容量（%(capacity)d 人）；已按台账原样导入。")
            % {"capacity": spec.room.capacity},
            "over_capacity",
        )
    values = {
        "scene": scene,
        "scene_kind": scene.kind if scene is not None else "",
        **rules.windows(found or DEFAULT_RULES, spec.starts_at, spec.ends_at),
    }
    status = spec.status
    # What bookings.services.record_lapsed would have written by now (bookings.states).
    if status == Status.CONFIRMED and values["checkin_closes_at"] <= now:
        status = Status.NO_SHOW
        values["no_show_recorded_at"] = now
        problems.warn(
            spec.row.cell("status"),
            _("已确认但没有签到，签到时间已过：记为“未到场”。"),
            "recorded_no_show",
        )
    elif status == Status.PENDING and values["checkin_closes_at"] <= now:
        status = Status.REJECTED
        values.update(decided_at=now, reason=_("运营方未在签到截止前审核。"))
        problems.warn(
            spec.row.cell("status"),
            _("待审核但签到时间已过：记为“未通过”（运营方未及时审核）。"),
            "recorded_lapsed",
        )
    elif status in (Status.PENDING, Status.CONFIRMED):
        problems.warn(
            spec.row.cell("start"),
            _("这是将来的预约，导入后占用时段；不会短信通知预约人。"),
            "future_booking",
        )
    values["status"] = status
    if spec.at is not None and not (values["checkin_opens_at"] <= spec.at < spec.ends_at):
        problems.warn(
            spec.row.cell("checkin"),
            _("签到时间不在预约时段内；已按台账原样导入。"),
            "checkin_outside_booking",
        )
    return values


def check_open(spec: Spec, timelines: Timelines, problems: Problems) -> None:
    if not timelines.is_open(spec, spec.at):
        problems.warn(
            spec.row.cell("checkin") if spec.row.get("checkin") else spec.row.cell("date"),
            _("按现行开放时间，这个时间不开放；已按台账原样导入。"),
            "outside_opening_hours",
        )


def overlaps(bookings: list[tuple[Spec, dict]], problems: Problems, *, keys: set[str]) -> None:
    """Holding bookings (bookings.models.HOLDING, as recorded) never overlap in a room:
    neither two rows of the file nor a row and a booking already in the database."""
    by_room: dict[int, list[tuple[Spec, dict]]] = defaultdict(list)
    for spec, values in bookings:
        if values["status"] in HOLDING:
            by_room[spec.room.pk].append((spec, values))
    for room_id, items in by_room.items():
        items.sort(key=lambda item: item[0].starts_at)
        latest: Spec | None = None
        for spec, _values in items:
            if latest is not None and spec.starts_at < latest.ends_at:
                problems.error(
                    spec.row.cell("start"),
                    _("与第 %(row)d 行的预约时间重叠：同一功能室同一时间只能有一个有效预约。")
                    % {"row": latest.row.number},
                    "overlap",
                )
            if latest is None or spec.ends_at > latest.ends_at:
                latest = spec
        lo = min(s.starts_at for s, _v in items)
        hi = max(s.ends_at for s, _v in items)
        held = list(
            Booking.objects.filter(
                room_id=room_id, status__in=HOLDING, starts_at__lt=hi, ends_at__gt=lo
            )
            .exclude(ledger_key__in=keys)
            .values_list("starts_at", "ends_at", "local_date")
        )
        for spec, _values in items:
            for start, end, day in held:
                if start < spec.ends_at and spec.starts_at < end:
                    problems.error(
                        spec.row.cell("start"),
                        _("与系统中已有的预约（%(day)s %(start)s-%(end)s）时间重叠。")
                        % {
                            "day": day,
                            "start": f"{start.astimezone(spec.venue.zone):%H:%M}",
                            "end": f"{end.astimezone(spec.venue.zone):%H:%M}",
                        },
                        "overlap",
                    )
                    break
