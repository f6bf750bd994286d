"""The Chinese statutory calendar: holidays, make-up working days (调休) and holiday breaks.

This is the only module that imports the ``holidays`` package; everything else asks it
about days. Per the State Council's notices (as recorded by ``holidays.China``):

- a *statutory holiday* is a day off in the notice, substituted days off included
  (2026-10-06 "休息日（由 2026-09-20 调休）");
- a *make-up working day* is a weekend day that is worked instead (2026-09-20, a Sunday);
  the weekday hours that apply on it are those of the day off it pays for, which the
  package pairs in the substituted day's name (2026-09-20 -> 2026-10-06, a Tuesday);
- a *holiday break* is the whole run of consecutive non-working days containing a
  statutory holiday, weekends inside it included (2026-10-01..10-07).

A year whose notice the package does not have yet (no make-up days and no substituted
days) is *unannounced*. It still has the holidays fixed by law (New Year's Day, Spring
Festival, Qingming, Labour Day, Dragon Boat, Mid-Autumn, National Day, as the package
computes them without a notice); its breaks are those days plus the weekends next to
them, and it has no make-up days. Every DayInfo of such a year says ``announced=False``,
so pages and the API can say the hours are provisional
("2027年安排尚未公布，以下按法定节日暂定").

Data is computed once per year (and per display language for the names) and cached.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

import holidays
from django.utils import translation
from django.utils.translation import gettext as _

__all__ = [
    "MAX_DATE",
    "MIN_DATE",
    "DayInfo",
    "day_info",
    "days_info",
    "holiday_break",
    "is_year_announced",
    "provisional_note",
    "unannounced_years",
]

ONE_DAY = dt.timedelta(days=1)
# Outside these years the package is not consulted (no notice can exist) and every
# computation stays clear of date.min/date.max; such days are plain unannounced days.
MIN_YEAR, MAX_YEAR = 1950, 9990
MIN_DATE, MAX_DATE = dt.date(MIN_YEAR, 1, 1), dt.date(MAX_YEAR, 12, 31)
# No run of non-working days comes close to this; it bounds the look across year ends.
_MAX_BREAK_DAYS = 20


@dataclass(frozen=True, slots=True)
class DayInfo:
    """What the statutory calendar says about one date.

    ``holiday_break`` is (first day, last day), both inclusive, as in "10月1日至7日".
    ``holiday_name`` names the break the day belongs to ("国庆节"), in the active language
    (Chinese unless Django's active language is English); None outside a break.
    ``makeup_weekday`` (0=Monday) is set on make-up working days only: the weekday whose
    hours apply that day.
    """

    date: dt.date
    is_working_day: bool
    is_statutory_holiday: bool
    is_makeup_workday: bool
    makeup_weekday: int | None
    in_holiday_break: bool
    holiday_break: tuple[dt.date, dt.date] | None
    holiday_name: str | None
    announced: bool


@dataclass(frozen=True, slots=True)
class _YearBase:
    announced: bool
    holidays: frozenset[dt.date]
    makeup: dict[dt.date, int]  # make-up working day -> weekday whose hours apply


def _package_language() -> str:
    lang = (translation.get_language() or "zh-hans").lower()
    if lang.startswith("en"):
        return "en_US"
    if lang in {"zh-hant", "zh-tw", "zh-hk", "zh-mo"}:
        return "zh_TW"
    return "zh_CN"


@lru_cache(maxsize=32)
def _package_calendar(years: tuple[int, ...], language: str, observed: bool) -> holidays.China:
    return holidays.China(years=years, language=language, observed=observed)


def _substitution_pairs(cal: holidays.China) -> dict[dt.date, dt.date]:
    """Make-up working day -> the day off it pays for, read from the substituted names.

    The package writes the pair into the day off's name with its own label and date format
    ("休息日（由 %s 调休）", "%Y-%m-%d"); reading them from the instance keeps this in step
    with the package rather than with a copy of its wording.
    """
    label = cal.tr(cal.substituted_label)
    date_format = cal.tr(cal.substituted_date_format)
    prefix, _sep, suffix = label.partition("%s")
    pattern = re.compile(re.escape(prefix) + r"(.+?)" + re.escape(suffix) + r"$")
    pairs: dict[dt.date, dt.date] = {}
    for day_off, name in cal.items():
        for part in name.split(";"):
            match = pattern.match(part.strip())
            if not match:
                continue
            try:
                worked = dt.datetime.strptime(match.group(1), date_format).date()
            except ValueError:
                continue
            pairs[worked] = day_off
    return pairs


@lru_cache(maxsize=64)
def _year_base(year: int) -> _YearBase:
    if not MIN_YEAR < year < MAX_YEAR:
        return _YearBase(announced=False, holidays=frozenset(), makeup={})
    # Neighbouring years are loaded because a pair can straddle New Year
    # (2011-12-31 was worked for 2012-01-03).
    cal = _package_calendar((year - 1, year, year + 1), "zh_CN", True)
    pairs = _substitution_pairs(cal)
    makeup_days = {d for d in cal.weekend_workdays if d.year == year}
    substituted = {off for off in pairs.values() if off.year == year}
    announced = bool(makeup_days or substituted)
    if not announced:
        # The days fixed by law, without the notice's substitutions or make-up days.
        plain = _package_calendar((year,), "zh_CN", False)
        return _YearBase(announced=False, holidays=frozenset(plain), makeup={})
    makeup = {}
    for d in makeup_days:
        day_off = pairs.get(d)
        # Every notice so far pairs each make-up day; Monday's hours are the fallback.
        makeup[d] = day_off.weekday() if day_off else 0
    return _YearBase(
        announced=True,
        holidays=frozenset(d for d in cal if d.year == year),
        makeup=makeup,
    )


def _is_working(d: dt.date) -> bool:
    base = _year_base(d.year)
    if d in base.makeup:
        return True
    if d in base.holidays:
        return False
    return d.weekday() < 5


def _is_holiday(d: dt.date) -> bool:
    return d in _year_base(d.year).holidays


@lru_cache(maxsize=64)
def _break_names(year: int, language: str) -> dict[dt.date, str]:
    """Festival names by date, without substituted days off or "（补假）" days.

    A break is named after its festivals ("国庆节", "农历除夕、春节"), not after
    "休息日（由 … 调休）", which reads badly as a heading for the whole break.
    """
    base = _year_base(year)
    plain = _package_calendar((year,), language, False)
    if not base.announced:
        return dict(plain.items())
    substituted = set(_substitution_pairs(_package_calendar((year,), "zh_CN", False)).values())
    return {d: name for d, name in plain.items() if d not in substituted}


def _all_names(year: int, language: str) -> dict[dt.date, str]:
    if not _year_base(year).announced:
        return _break_names(year, language)
    return dict(_package_calendar((year,), language, True).items())


def _break_name(first: dt.date, last: dt.date, language: str) -> str | None:
    names: list[str] = []
    fallback: list[str] = []
    d = first
    while d <= last:
        if (name := _break_names(d.year, language).get(d)) and name not in names:
            names.append(name)
        if (name := _all_names(d.year, language).get(d)) and name not in fallback:
            fallback.append(name)
        d += ONE_DAY
    chosen = names or fallback
    if not chosen:
        return None
    separator = "、" if language.startswith("zh") else ", "
    return separator.join(chosen)


def _breaks_around(year: int) -> list[tuple[dt.date, dt.date]]:
    """Holiday breaks overlapping ``year``, found as runs of non-working days."""
    if not any(_year_base(y).holidays for y in (year - 1, year, year + 1)):
        return []
    start = dt.date(year, 1, 1) - dt.timedelta(days=_MAX_BREAK_DAYS)
    end = dt.date(year, 12, 31) + dt.timedelta(days=_MAX_BREAK_DAYS)
    breaks = []
    run_start: dt.date | None = None
    has_holiday = False
    d = start
    while d <= end + ONE_DAY:
        if d <= end and not _is_working(d):
            if run_start is None:
                run_start, has_holiday = d, False
            has_holiday = has_holiday or _is_holiday(d)
        elif run_start is not None:
            if has_holiday:
                breaks.append((run_start, d - ONE_DAY))
            run_start = None
        d += ONE_DAY
    return [(a, b) for a, b in breaks if a.year <= year <= b.year]


@lru_cache(maxsize=64)
def _year_days(year: int, language: str) -> tuple[DayInfo, ...]:
    base = _year_base(year)
    in_break: dict[dt.date, tuple[tuple[dt.date, dt.date], str | None]] = {}
    for first, last in _breaks_around(year):
        name = _break_name(first, last, language)
        d = first
        while d <= last:
            in_break[d] = ((first, last), name)
            d += ONE_DAY
    days = []
    d = dt.date(year, 1, 1)
    while d.year == year:
        brk, name = in_break.get(d, (None, None))
        days.append(
            DayInfo(
                date=d,
                is_working_day=_is_working(d),
                is_statutory_holiday=d in base.holidays,
                is_makeup_workday=d in base.makeup,
                makeup_weekday=base.makeup.get(d),
                in_holiday_break=brk is not None,
                holiday_break=brk,
                holiday_name=name,
                announced=base.announced,
            )
        )
        d += ONE_DAY
    return tuple(days)


def _check_range(first: dt.date, last: dt.date) -> None:
    if first < MIN_DATE or last > MAX_DATE:
        raise ValueError(f"dates must lie within {MIN_DATE}..{MAX_DATE}")


def day_info(d: dt.date) -> DayInfo:
    """The statutory calendar's view of one date (names in the active language)."""
    _check_range(d, d)
    return _year_days(d.year, _package_language())[d.timetuple().tm_yday - 1]


def days_info(start: dt.date, end: dt.date) -> list[DayInfo]:
    """DayInfo for every date in [start, end) (``end`` excluded), computed per year."""
    if end <= start:
        return []
    _check_range(start, end - ONE_DAY)
    language = _package_language()
    result: list[DayInfo] = []
    d = start
    while d < end:
        year_days = _year_days(d.year, language)
        first = d.timetuple().tm_yday - 1
        last = (min(end, dt.date(d.year + 1, 1, 1)) - dt.date(d.year, 1, 1)).days
        result.extend(year_days[first:last])
        d = dt.date(d.year + 1, 1, 1)
    return result


def is_year_announced(year: int) -> bool:
    """Whether the package has the State Council's holiday notice for ``year``."""
    return _year_base(year).announced


def provisional_note(year: int) -> str:
    """What pages and the API say above dates of a year not announced yet."""
    return _("%(year)s年安排尚未公布，以下按法定节日暂定。") % {"year": year}


def unannounced_years(start: dt.date, end: dt.date) -> list[int]:
    """Years touching [start, end) whose holiday schedule is not published yet."""
    if end <= start:
        return []
    last = end - ONE_DAY
    _check_range(start, last)
    return [y for y in range(start.year, last.year + 1) if not is_year_announced(y)]


def holiday_break(d: dt.date) -> tuple[dt.date, dt.date] | None:
    """(first, last) day, inclusive, of the holiday break containing ``d``, else None."""
    return day_info(d).holiday_break
