"""Week layouts: the operator's planner (rooms x days) and the residents' week strip.

Each day is drawn as a column over a shared axis, e.g. 08:00 to 次日01:00, so an overnight
scene stays in the column of the evening it starts on. Blocks carry their position as
percentages of the axis; static/js/planner.js applies them (CSP allows no style attribute),
and without JavaScript the blocks simply read as a list.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from scenes.models import Scene
from scenes.resolution import CLOSED, OPEN, ClipNote, Segment, VenueData, load_venue_data
from spaces.calendar import DayInfo, days_info
from spaces.models import Room, Venue

ONE_DAY = dt.timedelta(days=1)
DEFAULT_AXIS = (8 * 60, 22 * 60)
# An interval starting at midnight and ending by then is the spill of the evening before.
SPILL_LIMIT = 6 * 60


@dataclass(frozen=True)
class Axis:
    start: int  # minutes after the column's midnight
    end: int  # may pass 1440: the next morning

    @property
    def minutes(self) -> int:
        return self.end - self.start

    def pct(self, minutes: float) -> float:
        return round(100 * (minutes - self.start) / self.minutes, 3)

    def ticks(self) -> list[tuple[str, float]]:
        step = 60 if self.minutes <= 12 * 60 else 120
        first = math.ceil(self.start / step) * step
        return [(f"{(m // 60) % 24:02d}:00", self.pct(m)) for m in range(first, self.end, step)]


@dataclass(frozen=True)
class Block:
    state: str
    scene: Scene | None
    start: dt.datetime
    end: dt.datetime
    top: float
    height: float
    times: str

    @property
    def css_kind(self) -> str:
        if self.state == OPEN:
            return "open"
        if self.state == CLOSED:
            return "closed"
        return self.scene.kind

    @property
    def label(self) -> str:
        if self.state == OPEN:
            return _("自由开放")
        return self.scene.name


@dataclass
class Column:
    date: dt.date
    info: DayInfo
    blocks: list[Block] = field(default_factory=list)

    @property
    def label(self) -> str:
        if self.info.is_makeup_workday:
            return _("调休上班")
        if self.info.in_holiday_break:
            return self.info.holiday_name or _("节假日")
        return ""


@dataclass
class PlannerRow:
    room: Room
    columns: list[Column]


@dataclass
class PlannerWeek:
    venue: Venue
    start: dt.date
    days: list[Column]  # headers (no blocks)
    rows: list[PlannerRow]
    axis: Axis
    notes: list[ClipNote]

    def day_rows(self, day: dt.date) -> list[PlannerRow]:
        """The rooms as rows for one of the week's days: the planner on a phone, where
        seven columns do not fit (each row holds that day's column only)."""
        return [
            PlannerRow(row.room, [col for col in row.columns if col.date == day])
            for row in self.rows
        ]


def _local_minutes(moment: dt.datetime, day: dt.date, zone: ZoneInfo) -> int:
    midnight = dt.datetime.combine(day, dt.time(0), tzinfo=zone)
    return int((moment.astimezone(zone) - midnight).total_seconds() // 60)


def _split_by_day(seg: Segment, zone: ZoneInfo):
    start, end = seg.start.astimezone(zone), seg.end.astimezone(zone)
    day = start.date()
    while dt.datetime.combine(day, dt.time(0), tzinfo=zone) < end:
        lo = max(_local_minutes(start, day, zone), 0)
        hi = min(_local_minutes(end, day, zone), 1440)
        if hi > lo:
            yield day, lo, hi
        day += ONE_DAY


def axis_for(segment_lists, zone: ZoneInfo) -> Axis:
    starts, ends, spills = [], [], []
    for segments in segment_lists:
        for seg in segments:
            if seg.state == CLOSED and seg.scene is None:
                continue
            for _day, lo, hi in _split_by_day(seg, zone):
                if lo == 0 and hi <= SPILL_LIMIT:
                    spills.append(hi)
                else:
                    starts.append(lo)
                    ends.append(hi)
    if not starts:
        start, end = DEFAULT_AXIS
    else:
        start = min(starts) // 60 * 60
        end = max(ends)
    if start > 0 and spills:
        end = max(end, max(spills) + 1440)
    end = min(max(math.ceil(end / 60) * 60, start + 60), start + 1440)
    return Axis(start, end)


def _times(start: dt.datetime, end: dt.datetime, day: dt.date) -> str:
    def fmt(moment: dt.datetime) -> str:
        text = f"{moment:%H:%M}"
        if moment.date() > day and not (moment.hour == 0 and moment.minute == 0):
            return _("次日%(time)s") % {"time": text}
        if moment.date() > day:
            return "24:00"
        return text

    return f"{fmt(start)}-{fmt(end)}"


def _blocks(segments: list[Segment], day: dt.date, axis: Axis, zone: ZoneInfo) -> list[Block]:
    col_start = dt.datetime.combine(day, dt.time(0), tzinfo=zone) + dt.timedelta(minutes=axis.start)
    col_end = col_start + dt.timedelta(minutes=axis.minutes)
    blocks = []
    for seg in segments:
        if seg.state == CLOSED and seg.scene is None:
            continue
        s, e = max(seg.start, col_start), min(seg.end, col_end)
        if s >= e:
            continue
        s, e = s.astimezone(zone), e.astimezone(zone)
        top = axis.pct(_local_minutes(s, day, zone))
        bottom = axis.pct(_local_minutes(e, day, zone))
        blocks.append(
            Block(seg.state, seg.scene, s, e, top, round(bottom - top, 3), _times(s, e, day))
        )
    return blocks


def _week(venue: Venue, start: dt.date, data: VenueData | None = None):
    end = start + dt.timedelta(days=7)
    # One day more: an evening's spill past midnight is drawn in its own column.
    if data is None or (data.start, data.end) != (start, end + ONE_DAY):
        data = load_venue_data(venue=venue, start=start, end=end + ONE_DAY)
    timelines = {room.pk: data.timeline(room) for room in data.rooms}
    days = [Column(info.date, info) for info in days_info(start, end)]
    return data, timelines, days


def planner_week(*, venue: Venue, start: dt.date) -> PlannerWeek:
    """Rooms x the 7 days from ``start``, with the clipping notes of those days."""
    ctx, timelines, days = _week(venue, start)
    zone = ctx.zone
    week_segments = [
        [s for s in segs if s.start.astimezone(zone).date() < start + dt.timedelta(days=7)]
        for segs in timelines.values()
    ]
    axis = axis_for(week_segments, zone)
    rows = []
    for room in ctx.rooms:
        columns = [
            Column(d.date, d.info, _blocks(timelines[room.pk], d.date, axis, zone)) for d in days
        ]
        rows.append(PlannerRow(room, columns))
    notes = ctx.clipping(start=start, end=start + dt.timedelta(days=7))
    return PlannerWeek(venue, start, days, rows, axis, notes)


# --- residents' week strip ------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    scene: Scene
    start: dt.datetime
    end: dt.datetime
    top: float  # position along the axis, as for planner blocks (left/width in the strip)
    height: float
    times: str
    lane: int

    @property
    def kind(self) -> str:
        return self.scene.kind


@dataclass
class StripDay:
    date: dt.date
    info: DayInfo
    bands: list[Band]
    is_open: bool

    @property
    def label(self) -> str:
        return Column(self.date, self.info).label

    @property
    def lanes(self) -> int:
        return max((b.lane for b in self.bands), default=-1) + 1


@dataclass
class WeekStrip:
    days: list[StripDay]
    axis: Axis

    @property
    def has_scenes(self) -> bool:
        return any(day.bands for day in self.days)


def week_strip(*, venue: Venue, start: dt.date, data: VenueData | None = None) -> WeekStrip:
    """Seven days of scene bands for the whole venue: a scene running in several rooms at
    the same time is one band; scenes side by side in time share a lane."""
    ctx, timelines, days = _week(venue, start, data)
    zone = ctx.zone
    axis = axis_for(timelines.values(), zone)
    result = []
    for day in days:
        seen: dict[tuple, Block] = {}
        is_open = False
        for segments in timelines.values():
            for block in _blocks(segments, day.date, axis, zone):
                is_open = is_open or block.state != CLOSED
                if block.scene is None:
                    continue
                key = (block.scene.pk, block.start, block.end)
                seen.setdefault(key, block)
        lanes: list[dt.datetime] = []
        bands = []
        for block in sorted(seen.values(), key=lambda b: (b.start, b.end)):
            for i, lane_end in enumerate(lanes):
                if lane_end <= block.start:
                    lanes[i] = block.end
                    lane = i
                    break
            else:
                lanes.append(block.end)
                lane = len(lanes) - 1
            bands.append(
                Band(
                    block.scene, block.start, block.end, block.top, block.height, block.times, lane
                )
            )
        result.append(StripDay(day.date, day.info, bands, is_open))
    return WeekStrip(result, axis)
