"""What a series request says, checked before any date is: weekdays, times, the span
(N weeks or until a date, at most ``MAX_WEEKS``), people and purpose, every problem at
once (bookings.services.series uses it for the preview and the creation alike)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from bookings.rules import purpose_problems
from linli.dates import month_day
from linli.errors import DomainError
from spaces import calendar
from spaces.hours.compute import date_out_of_range

ONE_DAY = dt.timedelta(days=1)
MAX_WEEKS = 26


def weekday_bits(weekdays) -> int:
    return sum(1 << d for d in set(weekdays))


def weekdays_of(bits: int) -> list[int]:
    return [d for d in range(7) if bits & (1 << d)]


def check_input(
    *, weekdays, start_time, end_time, first_date, weeks, until, people, purpose
) -> tuple[list[int], dt.date, str]:
    """Everything that does not depend on a date, all problems at once."""
    fields: dict[str, list[str]] = {}
    codes: list[str] = []

    def problem(name: str, code: str, message: str) -> None:
        fields.setdefault(name, []).append(message)
        codes.append(code)

    days = sorted({int(d) for d in weekdays or []})
    if not days:
        problem("weekdays", "required", _("请至少选择一个星期几。"))
    elif days[0] < 0 or days[-1] > 6:
        problem("weekdays", "invalid", _("星期须为 0（周一）到 6（周日）。"))
    if end_time <= start_time:
        problem("end_time", "end_before_start", _("结束时间须晚于开始时间。"))
    last = first_date
    if (weeks is None) == (until is None):
        problem("weeks", "weeks_or_until", _("请填写重复周数或截止日期（二选一）。"))
    elif weeks is not None:
        if not 1 <= weeks <= MAX_WEEKS:
            problem(
                "weeks",
                "series_too_long",
                _("重复周数须在 1 到 %(n)s 之间。") % {"n": MAX_WEEKS},
            )
        else:
            last = first_date + dt.timedelta(weeks=weeks) - ONE_DAY
    elif until < first_date:
        problem("until", "invalid_range", _("截止日期不能早于首次日期。"))
    elif until >= first_date + dt.timedelta(weeks=MAX_WEEKS):
        problem(
            "until",
            "series_too_long",
            _("一个系列最多 %(n)s 周（到 %(day)s）。")
            % {
                "n": MAX_WEEKS,
                "day": month_day(first_date + dt.timedelta(weeks=MAX_WEEKS) - ONE_DAY),
            },
        )
    else:
        last = until
    if people is None or people < 1:
        problem("people", "invalid", _("人数至少为 1。"))
    purpose = (purpose or "").strip()
    for p in purpose_problems(purpose):
        problem(p.field, p.code, p.message)
    if codes:
        first = next(iter(fields.values()))[0]
        raise DomainError(first, code=codes[0], fields=fields)
    # The timeline reads a day past the last date; the calendar stops at MAX_DATE.
    if first_date - ONE_DAY < calendar.MIN_DATE or last + 2 * ONE_DAY > calendar.MAX_DATE:
        raise date_out_of_range()
    return days, last, purpose
