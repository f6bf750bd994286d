"""Dates as residents read them: 11月24日 in Chinese, 24 Nov in English.

The format strings themselves are translated (PHP-style date formats, as Django's `date`
filter uses), so each language gets its natural order without a language check in code.
"""

import datetime as dt

from django.utils.dateformat import format as date_format
from django.utils.translation import gettext, gettext_lazy, gettext_noop, pgettext

WEEKDAYS_SHORT = [
    gettext_noop("周一"),
    gettext_noop("周二"),
    gettext_noop("周三"),
    gettext_noop("周四"),
    gettext_noop("周五"),
    gettext_noop("周六"),
    gettext_noop("周日"),
]

WEEKDAYS_LONG = [
    gettext_noop("星期一"),
    gettext_noop("星期二"),
    gettext_noop("星期三"),
    gettext_noop("星期四"),
    gettext_noop("星期五"),
    gettext_noop("星期六"),
    gettext_noop("星期日"),
]


def weekday_name(index: int, *, short: bool = False) -> str:
    """The translated name of weekday ``index`` (0 = Monday)."""
    return gettext((WEEKDAYS_SHORT if short else WEEKDAYS_LONG)[index])


def weekday_choices(*, first: int = 0, short: bool = False) -> list[tuple[int, str]]:
    """(number, translated name) for Monday ... Sunday, numbered from ``first`` (0 for
    Python's weekday(), 1 for ISO); lazy, so it can sit in a model or form declaration."""
    names = WEEKDAYS_SHORT if short else WEEKDAYS_LONG
    return [(first + i, gettext_lazy(name)) for i, name in enumerate(names)]


def weekday_short(value: dt.date | dt.datetime) -> str:
    """周一 … 周日 (Mon … Sun)."""
    return gettext(WEEKDAYS_SHORT[value.weekday()])


def month_day(value: dt.date | dt.datetime) -> str:
    return date_format(value, pgettext("date format: month and day", "n月j日"))


def month_day_weekday(value: dt.date | dt.datetime) -> str:
    """10月8日 周四 / Thu 8 Oct."""
    return pgettext("date, then short weekday", "%(date)s %(weekday)s") % {
        "date": month_day(value),
        "weekday": weekday_short(value),
    }


def full_date(value: dt.date | dt.datetime) -> str:
    return date_format(value, pgettext("date format: year, month and day", "Y年n月j日"))


def month_day_time(value: dt.datetime) -> str:
    return date_format(value, pgettext("date format: month, day and time", "n月j日 H:i"))


def relative_time(moment: dt.datetime, now: dt.datetime) -> str:
    """When ``moment`` is, said relative to ``now`` (aware, in the venue's zone): "21:00"
    later today, "明天 09:00" / "tomorrow 09:00", "周三 09:00" within the week, else
    "10月3日 09:00". The one phrasing of "when" next to "now" on every page and in the API.
    """
    moment = moment.astimezone(now.tzinfo)
    time = f"{moment:%H:%M}"
    days = (moment.date() - now.date()).days
    if days == 0:
        return time
    if days == 1:
        return gettext("明天 %(time)s") % {"time": time}
    if 1 < days < 7:
        return gettext("%(weekday)s %(time)s") % {"weekday": weekday_short(moment), "time": time}
    return month_day_time(moment)


def time_range(start: dt.time | dt.datetime, end: dt.time | dt.datetime, overnight: bool) -> str:
    """18:00-22:00, or 18:00-次日02:00 / 18:00–02:00 (next day) when it runs past midnight."""
    values = {"start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}
    if overnight:
        return pgettext("time range past midnight", "%(start)s-次日%(end)s") % values
    return f"{values['start']}-{values['end']}"


def past_date_message(day: dt.date, today: dt.date) -> str:
    """Why ``day`` cannot be scheduled (code ``date_in_past``), and what to pick instead."""
    return gettext("%(day)s已经过去了（今天是%(today)s），请选择今天或以后的日期。") % {
        "day": month_day(day),
        "today": month_day(today),
    }
