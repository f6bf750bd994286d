"""Checks on the intervals operators enter for one day, shared by services and forms."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, NamedTuple

from django.utils.translation import gettext as _

from linli.errors import DomainError

MINUTES_PER_DAY = 24 * 60


class IntervalProblem(NamedTuple):
    index: int
    code: str  # "close_before_open" | "overnight_too_long" | "overlap"
    message: str


def _triple(item: Any) -> tuple[dt.time, dt.time, bool]:
    if isinstance(item, tuple | list):
        opens, closes, overnight = item
    else:
        opens, closes, overnight = item.opens, item.closes, item.overnight
    return opens, closes, bool(overnight)


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def day_interval_problems(
    intervals: Sequence[Any], *, next_day: Sequence[Any] = ()
) -> list[IntervalProblem]:
    """Problems in one day's intervals, each (index into ``intervals``, code, message).

    Items are (opens, closes, overnight) tuples or objects with those attributes. An
    overnight interval ends the next day at ``closes`` (opens == closes is a full 24
    hours). Touching intervals (12:00 close, 12:00 open) are fine. With ``next_day`` (the
    following day's intervals), an overnight interval running past the next day's first
    opening is an overlap too.
    """
    problems: list[IntervalProblem] = []
    valid: list[tuple[int, int, int]] = []  # (start minute, end minute, index)
    for index, item in enumerate(intervals):
        opens, closes, overnight = _triple(item)
        start, end = _minutes(opens), _minutes(closes)
        if not overnight and end <= start:
            problems.append(
                IntervalProblem(
                    index,
                    "close_before_open",
                    _("关门时间必须晚于开门时间；跨越午夜的时段请选择“跨越午夜”。"),
                )
            )
        elif overnight and end > start:
            problems.append(
                IntervalProblem(
                    index,
                    "overnight_too_long",
                    _("跨越午夜的时段，次日关门时间不能晚于开门时间。"),
                )
            )
        else:
            valid.append((start, end + MINUTES_PER_DAY if overnight else end, index))

    valid.sort()
    latest_end = -1
    for start, end, index in valid:
        if start < latest_end:
            problems.append(IntervalProblem(index, "overlap", _("与同一天的其他时段重叠。")))
        latest_end = max(latest_end, end)

    next_starts = []
    for item in next_day:
        opens, closes, overnight = _triple(item)
        if overnight or _minutes(closes) > _minutes(opens):
            next_starts.append(_minutes(opens))
    if next_starts:
        first_next = min(next_starts) + MINUTES_PER_DAY
        for _start, end, index in valid:
            if end > first_next:
                problems.append(
                    IntervalProblem(index, "overlap", _("跨越午夜的时段与次日的开放时段重叠。"))
                )
    return sorted(problems, key=lambda p: p.index)


def validate_day_intervals(
    intervals: Sequence[Any],
    *,
    next_day: Sequence[Any] = (),
    field_prefix: str | Sequence[str] | None = None,
) -> None:
    """Raise DomainError (code of the first problem) if one day's intervals are invalid.

    Field errors are keyed by the offending interval: ``field_prefix[index]`` when a list
    is given, ``f"{field_prefix}.{index}"`` for a string, else ``intervals.{index}``.
    """
    problems = day_interval_problems(intervals, next_day=next_day)
    if not problems:
        return
    fields: dict[str, list[str]] = {}
    for problem in problems:
        if isinstance(field_prefix, str):
            prefix = f"{field_prefix}.{problem.index}"
        elif field_prefix is not None:
            prefix = field_prefix[problem.index]
        else:
            prefix = f"intervals.{problem.index}"
        fields.setdefault(prefix, []).append(problem.message)
    first = problems[0]
    raise DomainError(first.message, code=first.code, fields=fields)
