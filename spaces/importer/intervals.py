"""Weekly hours and dated exceptions in the import file.

The syntax of one interval is the operator form's (spaces.forms.parse_intervals:
"09:00-12:00", "18:00-次日02:00"); the rules for one day's intervals are spaces.hours'
(``day_interval_problems``). This module only adds what a file needs: day keys and their
shortcuts, and messages that say which interval another one collides with.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from linli.dates import WEEKDAYS_LONG, time_range
from spaces.forms import format_interval_input, is_closed_text, parse_intervals
from spaces.hours import day_interval_problems
from spaces.importer.fields import MISSING, Reader
from spaces.importer.report import Loc
from spaces.models import HolidayPolicy, OpeningException, OpeningHours
from spaces.services import HoursRule

Triple = tuple[dt.time, dt.time, bool]

DAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
HOLIDAY_KEY = "holiday"
SHORTCUTS = {"daily": tuple(range(7)), "weekdays": (0, 1, 2, 3, 4), "weekends": (5, 6)}
HOURS_KEYS = [*DAYS, HOLIDAY_KEY, *SHORTCUTS]
DAY_NAMES = [*WEEKDAYS_LONG, gettext_noop("节假日")]
MINUTES_PER_DAY = 24 * 60
_SEPARATORS = re.compile(r"[,，、;；]")


@dataclass(frozen=True)
class ExceptionSpec:
    """A dated exception: no intervals means closed all day."""

    date: dt.date
    intervals: tuple[Triple, ...]
    reason: str


def format_interval(triple: Triple) -> str:
    """For messages: 18:00-次日02:00, 18:00–02:00 (next day) in English."""
    return time_range(*triple)


def _span(triple: Triple) -> tuple[int, int]:
    opens, closes, overnight = triple
    start, end = opens.hour * 60 + opens.minute, closes.hour * 60 + closes.minute
    return start, end + MINUTES_PER_DAY if overnight else end


def _parse_one(reader: Reader, loc: Loc, field: str, text: Any) -> Triple | None:
    if not isinstance(text, str) or not text.strip():
        reader.error(loc, field, _("必须是“09:00-12:00”形式的文字。"), "format")
        return None
    try:
        parsed = parse_intervals(text)
    except forms.ValidationError as exc:
        reader.error(loc, field, exc.messages[0], "format")
        return None
    if len(parsed) != 1:
        reader.error(loc, field, _("每一项只能写一个时段。"), "format")
        return None
    return parsed[0]


def is_closed_value(value: Any) -> bool:
    """``""``, ``[]`` or a closed word ("closed", "休息"): the day is closed on purpose."""
    if isinstance(value, str):
        return not value.strip() or is_closed_text(value)
    return value == []


def read_intervals(reader: Reader, loc: Loc, field: str, value: Any) -> list[tuple[int, Triple]]:
    """``"09:00-12:00, 14:00-次日02:00"`` or a list of such strings, as (index, triple)
    pairs for the intervals that parse; a closed value (``is_closed_value``) gives none."""
    if is_closed_value(value):
        return []
    if isinstance(value, str):
        parts = [p.strip() for p in _SEPARATORS.split(value)]
        parts = [p for p in parts if p]
    elif isinstance(value, list):
        parts = value
    else:
        reader.error(
            loc, field, _('必须是文字或文字列表，例如 "09:00-12:00, 14:00-18:00"。'), "type"
        )
        return []
    result = []
    for index, part in enumerate(parts):
        triple = _parse_one(reader, loc, f"{field}[{index}]", part)
        if triple is not None:
            result.append((index, triple))
    return result


def check_day(
    reader: Reader,
    loc: Loc,
    field: str,
    items: list[tuple[int, Triple]],
    next_day: list[Triple] = (),
) -> None:
    """Report closing-before-opening and overlaps (within the day, and of an overnight
    interval with the next day's first opening) against ``field[index]``."""
    triples = [t for _i, t in items]
    same_day = day_interval_problems(triples)
    with_next = Counter(day_interval_problems(triples, next_day=next_day)) - Counter(same_day)
    for problem in same_day:
        index, triple = items[problem.index]
        if problem.code == "close_before_open":
            message = _("关门时间必须晚于开门时间；跨越午夜请写成 %(example)s。") % {
                "example": format_interval_input(triple[0], triple[1], True)
            }
        elif problem.code == "overlap":
            message = _overlap_message(problem.index, triples) or problem.message
        else:
            message = problem.message
        reader.error(loc, f"{field}[{index}]", message, problem.code)
    for problem in with_next.elements():
        index, triple = items[problem.index]
        end = _span(triple)[1] - MINUTES_PER_DAY
        hit = next((t for t in next_day if _span(t)[0] < end), None)
        message = (
            _("跨越午夜后与次日的 %(other)s 重叠。") % {"other": format_interval(hit)}
            if hit
            else problem.message
        )
        reader.error(loc, f"{field}[{index}]", message, problem.code)


def _overlap_message(index: int, triples: list[Triple]) -> str | None:
    # spaces.hours flags the later of two overlapping intervals (by start); name the other.
    start, end = _span(triples[index])
    for other_index, other in enumerate(triples):
        if other_index == index:
            continue
        o_start, o_end = _span(other)
        if o_start < end and start < o_end and (o_start, o_end, other_index) < (start, end, index):
            return _("与 %(other)s 重叠。") % {"other": format_interval(other)}
    return None


def read_hours(
    reader: Reader, loc: Loc, d: dict, *, policy: str | None, for_room: bool
) -> tuple[HoursRule, ...]:
    """The ``hours`` object as weekly rules; MISSING when the key is absent.

    A venue's days left out or closed have no rule (a venue is closed when it has none).
    A room's day left out has no rule of its own (it follows the venue); a room's day
    given as closed (``""``, ``[]``, ``"closed"``, ``"休息"``) gets a closed rule.
    ``policy`` is the venue's holiday policy, None when it is unknown because of an error.
    """
    if "hours" not in d:
        return MISSING
    raw = reader.obj(d["hours"], loc, "hours", HOURS_KEYS)
    if raw is None:
        return MISSING
    owner: dict[int, str] = {}
    parsed: dict[str, list[tuple[int, Triple]]] = {}
    for key, value in raw.items():
        if key not in HOURS_KEYS:
            continue
        field = f"hours.{key}"
        closes_room_in_breaks = for_room and is_closed_value(value)
        if (
            key == HOLIDAY_KEY
            and policy not in (None, HolidayPolicy.SPECIAL)
            and not (closes_room_in_breaks)
        ):
            reader.error(
                loc,
                field,
                _("节假日时段只在 holiday_policy 为 special 时使用。"),
                "holiday_hours_unused",
            )
        days = SHORTCUTS.get(key) or (DAYS.get(key, OpeningHours.HOLIDAY),)
        for day in days:
            if day in owner:
                reader.error(
                    loc,
                    field,
                    _("%(day)s已在 hours.%(other)s 中设置。")
                    % {"day": _(DAY_NAMES[day]), "other": owner[day]},
                    "duplicate_day",
                )
            else:
                owner[day] = key
        parsed[key] = read_intervals(reader, loc, field, value)
    if not for_room and policy == HolidayPolicy.SPECIAL and OpeningHours.HOLIDAY not in owner:
        reader.error(
            loc,
            "hours.holiday",
            _("holiday_policy 为 special 时需要填写节假日时段。"),
            "required",
        )
    rules = []
    for day, key in sorted(owner.items()):
        next_day = []
        if day < OpeningHours.HOLIDAY and (day + 1) % 7 in owner:
            next_day = [t for _i, t in parsed[owner[(day + 1) % 7]]]
        check_day(reader, loc, f"hours.{key}", parsed[key], next_day)
        if for_room and is_closed_value(raw[key]):
            rules.append(HoursRule(day=day, closed=True))
        rules.extend(
            HoursRule(day=day, opens=t[0], closes=t[1], overnight=t[2]) for _i, t in parsed[key]
        )
    return tuple(rules)


def read_exceptions(reader: Reader, loc: Loc, d: dict) -> tuple[ExceptionSpec, ...]:
    """The ``exceptions`` list; MISSING when the key is absent."""
    if "exceptions" not in d:
        return MISSING
    reason_length = OpeningException._meta.get_field("reason").max_length
    specs: list[ExceptionSpec] = []
    seen: dict[dt.date, int] = {}
    for index, raw in enumerate(reader.items(d, "exceptions", loc)):
        eloc = loc.child("exceptions", index)
        mark = reader.mark()
        item = reader.obj(raw, eloc, "", ("date", "hours", "reason"), ("date", "reason"))
        if item is None:
            continue
        date = _date(reader, eloc, item)
        reason = reader.text(item, "reason", eloc, max_length=reason_length, required=True)
        items = read_intervals(reader, eloc, "hours", item.get("hours", []))
        check_day(reader, eloc, "hours", items)
        if date is not MISSING and date in seen:
            reader.error(
                eloc,
                "date",
                _("日期 %(date)s 重复（另见 exceptions[%(other)d]）。")
                % {"date": date.isoformat(), "other": seen[date]},
                "duplicate",
            )
        elif date is not MISSING:
            seen[date] = index
        if reader.clean_since(mark):
            specs.append(ExceptionSpec(date, tuple(t for _i, t in items), reason))
    return tuple(specs)


def _date(reader: Reader, loc: Loc, item: dict) -> dt.date:
    value = item.get("date")
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    reader.error(loc, "date", _("日期必须写成 YYYY-MM-DD，例如 2026-10-01。"), "invalid_date")
    return MISSING
