"""Value types returned by spaces.hours."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from linli.dates import relative_time
from spaces.calendar import DayInfo

UTC = dt.UTC


@dataclass(frozen=True, slots=True)
class Interval:
    """[start, end) with aware datetimes in the venue's zone.

    Wall-clock subtraction of two datetimes sharing a zone ignores DST changes, so use
    ``duration``/``hours`` (computed in UTC) rather than ``end - start``.
    """

    start: dt.datetime
    end: dt.datetime

    @property
    def duration(self) -> dt.timedelta:
        return self.end.astimezone(UTC) - self.start.astimezone(UTC)

    @property
    def hours(self) -> float:
        return self.duration.total_seconds() / 3600

    def contains(self, at: dt.datetime) -> bool:
        at_utc = at.astimezone(UTC)
        return self.start.astimezone(UTC) <= at_utc < self.end.astimezone(UTC)


class DayKind:
    REGULAR = "regular"
    MAKEUP_WORKDAY = "makeup_workday"
    HOLIDAY = "holiday"
    EXCEPTION = "exception"


@dataclass(frozen=True, slots=True)
class DaySchedule:
    """The hours of one local date and why.

    ``intervals`` are those that *start* on ``date``, unclipped: an overnight 18:00-02:00
    shows on its first day only. ``kind`` is one of DayKind's values. ``label`` is a short
    text for residents ("国庆节", "调休上班", an exception's reason; "" on ordinary days);
    ``reason`` a fuller sentence ("节假日闭馆", "调休上班，按星期二的开放时间").
    ``announced`` is False when the year's holiday schedule is not published yet.
    """

    date: dt.date
    intervals: list[Interval]
    kind: str
    label: str
    reason: str
    announced: bool
    day: DayInfo = field(repr=False)

    @property
    def is_closed(self) -> bool:
        return not self.intervals

    @property
    def hours(self) -> float:
        return sum(i.hours for i in self.intervals)


@dataclass(frozen=True, slots=True)
class OpenStatus:
    """Whether a venue (or room) is open at ``at`` and when that next changes.

    ``changes_at`` is the next opening (when closed) or closing (when open) within the
    look-ahead window, in the venue's zone; None if nothing changes in that window.
    """

    is_open: bool
    changes_at: dt.datetime | None
    at: dt.datetime
    time_zone: str

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def opens_at(self) -> dt.datetime | None:
        return None if self.is_open else self.changes_at

    @property
    def closes_at(self) -> dt.datetime | None:
        return self.changes_at if self.is_open else None

    def label(self) -> str:
        """Residents' wording, e.g. "开放中 · 21:00 关门", "已关门 · 明天 09:00 开门"."""
        if self.changes_at is None:
            return _("开放中") if self.is_open else _("暂无开放安排")
        when = relative_time(self.changes_at, self.at.astimezone(self.zone))
        if self.is_open:
            return _("开放中 · %(when)s 关门") % {"when": when}
        return _("已关门 · %(when)s 开门") % {"when": when}

    def __str__(self) -> str:
        return self.label()
