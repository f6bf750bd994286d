"""When a scene happens: its dated occurrences, and whether two scenes ever overlap.

A recurring scene happens on a local date D when D lies in [valid_from, valid_until], D's
weekday is in ``weekdays`` and D passes ``day_filter`` (working / non-working days as the
statutory calendar says, make-up working days included). On a make-up working day the
weekday that counts is the one whose day off it pays for, as for opening hours
(spaces.hours): a Monday-to-Friday scene runs on a worked Sunday like on that Tuesday.
A one-off scene happens on ``one_off_date`` only and beats recurring scenes while it runs.

An occurrence belongs to the date it starts on; an overnight one ends the next day.
Arithmetic is in UTC, as in spaces.hours.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import pgettext

from linli.dates import month_day, time_range, weekday_short
from scenes.models import DayFilter, Scene
from spaces.calendar import DayInfo, day_info, days_info, is_year_announced

UTC = dt.UTC
ONE_DAY = dt.timedelta(days=1)
RECURRING, ONE_OFF = 1, 2


@dataclass(frozen=True, slots=True)
class SceneEntry:
    """A scene with the rooms it covers (None: all the venue's rooms), loaded once."""

    scene: Scene
    room_ids: frozenset[int] | None

    @property
    def precedence(self) -> int:
        return ONE_OFF if self.scene.one_off_date is not None else RECURRING

    def covers(self, room_id: int) -> bool:
        return self.room_ids is None or room_id in self.room_ids

    def shares_room_with(self, other: SceneEntry) -> bool:
        if self.room_ids is None or other.room_ids is None:
            return True
        return bool(self.room_ids & other.room_ids)


@dataclass(frozen=True, slots=True)
class Occurrence:
    entry: SceneEntry
    date: dt.date
    start: dt.datetime  # UTC
    end: dt.datetime  # UTC

    @property
    def scene(self) -> Scene:
        return self.entry.scene

    @property
    def precedence(self) -> int:
        return self.entry.precedence


def entry_for(scene: Scene, room_ids: Iterable[int] | None = None) -> SceneEntry:
    """A SceneEntry for a saved scene (reads its rooms) or a draft (pass ``room_ids``)."""
    if scene.all_rooms:
        return SceneEntry(scene, None)
    if room_ids is None:
        room_ids = scene.rooms.values_list("id", flat=True)
    return SceneEntry(scene, frozenset(room_ids))


def effective_weekday(info: DayInfo) -> int:
    if info.is_makeup_workday and info.makeup_weekday is not None:
        return info.makeup_weekday
    return info.date.weekday()


def applies_on(scene: Scene, info: DayInfo) -> bool:
    d = info.date
    if scene.one_off_date is not None:
        return d == scene.one_off_date
    if d < scene.valid_from or (scene.valid_until is not None and d > scene.valid_until):
        return False
    if not scene.weekdays & (1 << effective_weekday(info)):
        return False
    if scene.day_filter == DayFilter.WORKING:
        return info.is_working_day
    if scene.day_filter == DayFilter.NON_WORKING:
        return not info.is_working_day
    return True


def window(scene: Scene, day: dt.date, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """The UTC interval of ``scene`` on the local date ``day`` (whether or not it applies)."""
    start = dt.datetime.combine(day, scene.starts, tzinfo=zone).astimezone(UTC)
    end_day = day + ONE_DAY if scene.overnight else day
    end = dt.datetime.combine(end_day, scene.ends, tzinfo=zone).astimezone(UTC)
    return start, end


def date_span(scene: Scene) -> tuple[dt.date, dt.date | None]:
    """First and last date the scene can start on (None: open-ended)."""
    if scene.one_off_date is not None:
        return scene.one_off_date, scene.one_off_date
    return scene.valid_from, scene.valid_until


def occurrences(
    entries: Iterable[SceneEntry],
    *,
    start: dt.date,
    end: dt.date,
    zone: ZoneInfo,
    infos: list[DayInfo] | None = None,
) -> list[Occurrence]:
    """Occurrences starting on the local dates [start, end), sorted by start."""
    if infos is None:
        infos = days_info(start, end)
    result = []
    for entry in entries:
        first, last = date_span(entry.scene)
        for info in infos:
            if info.date < first or (last is not None and info.date > last):
                continue
            if applies_on(entry.scene, info):
                s, e = window(entry.scene, info.date, zone)
                if e > s:
                    result.append(Occurrence(entry, info.date, s, e))
    result.sort(key=lambda o: (o.start, -o.precedence, o.scene.pk or 0))
    return result


# --- overlap --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Overlap:
    """The first time two scenes would both claim a room."""

    other: Scene
    date: dt.date
    start: dt.datetime  # in the venue's zone
    end: dt.datetime

    def when(self) -> str:
        """ "周五 18:00-22:00" for weekly scenes, "10月1日 18:00-22:00" when one is dated."""
        start, end = self.start, self.end
        times = time_range(start, end, end.date() > start.date())
        dated = self.other.one_off_date is not None
        day = month_day(start) if dated else weekday_short(start)
        return pgettext("a weekday or date, then a time range", "%(day)s %(times)s") % {
            "day": day,
            "times": times,
        }


def _minutes(scene: Scene) -> tuple[int, int]:
    start = scene.starts.hour * 60 + scene.starts.minute
    end = scene.ends.hour * 60 + scene.ends.minute
    return start, end + (24 * 60 if scene.overnight else 0)


def _times_can_meet(a: Scene, b: Scene) -> bool:
    """Whether the daily windows overlap on the same day or across midnight."""
    a0, a1 = _minutes(a)
    b0, b1 = _minutes(b)
    return any(max(a0, b0 + k * 1440) < min(a1, b1 + k * 1440) for k in (-1, 0, 1))


def _horizon(first: dt.date) -> dt.date:
    """How far a check of two open-ended scenes must look to have seen every case.

    Past the last year with a published holiday notice, weeks repeat; one year more covers
    every weekday in every working/non-working combination.
    """
    announced = [y for y in range(first.year, first.year + 4) if is_year_announced(y)]
    end = first + dt.timedelta(days=371)
    if announced:
        end = max(end, dt.date(max(announced), 12, 31) + dt.timedelta(days=8))
    return end


def find_overlap(a: SceneEntry, b: SceneEntry, *, zone: ZoneInfo) -> Overlap | None:
    """The first moment ``a`` and ``b`` would cover a room at the same time and precedence.

    Scenes of different precedence never conflict: the one-off one wins while it runs.
    """
    if a.precedence != b.precedence or not a.shares_room_with(b):
        return None
    if not _times_can_meet(a.scene, b.scene):
        return None
    a_first, a_last = date_span(a.scene)
    b_first, b_last = date_span(b.scene)
    # An occurrence of one scene can meet the other's from the day before or after.
    first = max(a_first, b_first - ONE_DAY)
    last_candidates = [d for d in (a_last, b_last + ONE_DAY if b_last else None) if d]
    last = min(last_candidates) if last_candidates else None
    limit = _horizon(first)
    end = min(last + ONE_DAY, limit) if last else limit
    if end <= first:
        return None
    infos = days_info(first - ONE_DAY, end + ONE_DAY)
    by_date = {info.date: info for info in infos}
    for info in infos[1:-1]:
        if not applies_on(a.scene, info):
            continue
        a_start, a_end = window(a.scene, info.date, zone)
        for k in (-1, 0, 1):
            other = by_date.get(info.date + k * ONE_DAY) or day_info(info.date + k * ONE_DAY)
            if not applies_on(b.scene, other):
                continue
            b_start, b_end = window(b.scene, other.date, zone)
            start, stop = max(a_start, b_start), min(a_end, b_end)
            if start < stop:
                return Overlap(b.scene, info.date, start.astimezone(zone), stop.astimezone(zone))
    return None
