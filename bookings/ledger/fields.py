"""Single cells of a ledger row. Each parser records a problem on its cell and returns
None instead of raising, so one pass finds every error in the file."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from accounts.phone import normalise_phone
from bookings.ledger.report import BOOKING, CHECKIN, HEADCOUNT, RATING, Cell, Problems
from bookings.models import Status
from linli.text import join_list

FIRST_YEAR = 2000
MAX_MONEY_FEN = 99_999_999

# A date cell Excel formats as date and time is saved with its midnight: "2026/3/5 0:00".
_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+0?0:00(?::00)?)?$"
)
# "14:00", "14:00:00", "次日02:00", and Excel's Chinese 12-hour form "下午2:00".
_TIME = re.compile(r"^(次日)?\s*(上午|下午)?\s*(\d{1,2})[:：.](\d{2})(?:[:：](\d{2}))?$")
_MONEY = re.compile(r"^[¥￥]?\s*(\d+(?:\.\d{1,2})?)\s*元?$")

# What the 类型 column may say: the Chinese word first (as the template shows it).
TYPES = {
    BOOKING: ("预约", "booking"),
    CHECKIN: ("签到", "checkin", "check-in", "check_in"),
    HEADCOUNT: ("到场人数", "headcount", "walk-in", "walk_in"),
    RATING: ("评价", "rating"),
}
# The 状态 column: the app's own labels (bookings.models.Status), their codes, and the
# words ledgers commonly use for the same states.
STATUS_WORDS = {
    **{str(s.label): s.value for s in Status},
    **{s.value: s.value for s in Status},
    "已拒绝": Status.REJECTED,
    "已驳回": Status.REJECTED,
    "爽约": Status.NO_SHOW,
    "已到": Status.CHECKED_IN,
    "已到场": Status.CHECKED_IN,
}


def _text(value: str) -> str:
    # Full-width digits, colons and spaces from a Chinese IME become their ASCII forms.
    return unicodedata.normalize("NFKC", value).strip()


def kind(value: str, cell: Cell, problems: Problems) -> str | None:
    text = _text(value).lower()
    for code, words in TYPES.items():
        if text in words:
            return code
    if not text:
        problems.error(cell, _("请填写类型：预约、签到、到场人数或评价。"), "required")
    else:
        problems.error(
            cell,
            _("未知类型“%(value)s”；可填：预约、签到、到场人数、评价。") % {"value": value},
            "invalid_choice",
        )
    return None


def date(value: str, cell: Cell, problems: Problems, *, today: dt.date) -> dt.date | None:
    text = _text(value)
    match = _DATE.match(text)
    if not text:
        problems.error(cell, _("请填写日期，如 2026-03-05。"), "required")
        return None
    try:
        day = dt.date(*(int(g) for g in match.groups())) if match else None
    except ValueError:
        day = None
    if day is None:
        problems.error(
            cell,
            _("无法识别日期“%(value)s”；请写成 2026-03-05 或 2026/3/5。") % {"value": value},
            "invalid_date",
        )
        return None
    last = today + dt.timedelta(days=366)
    if not dt.date(FIRST_YEAR, 1, 1) <= day <= last:
        problems.error(
            cell,
            _("日期须在 %(first)d 年到 %(last)s 之间。") % {"first": FIRST_YEAR, "last": last},
            "invalid_date",
        )
        return None
    return day


def time(value: str, cell: Cell, problems: Problems) -> tuple[dt.time, int] | None:
    """(time, days after the row's date): "14:00", "24:00" and "次日02:00" (overnight)."""
    text = _text(value)
    match = _TIME.match(text)
    if match:
        next_day, half, hour, minute, second = match.groups()
        days = 1 if next_day else 0
        hour, minute = int(hour), int(minute)
        if half and 1 <= hour <= 12:
            hour = hour % 12 + (12 if half == "下午" else 0)
        elif half:
            hour = 99  # "下午14:00" says two different things
        if hour == 24 and minute == 0 and not second:
            return dt.time(0), days + 1
        if hour < 24 and minute < 60 and int(second or 0) < 60:
            return dt.time(hour, minute, int(second or 0)), days
    problems.error(
        cell,
        _("无法识别时间“%(value)s”；请写成 14:00，跨夜写“次日02:00”。") % {"value": value},
        "invalid_time",
    )
    return None


def phone(value: str, cell: Cell, problems: Problems) -> str | None:
    if not value.strip():
        problems.error(cell, _("请填写居民的手机号。"), "required")
        return None
    number = normalise_phone(value)
    if number is None:
        problems.error(
            cell, _("“%(value)s”不是有效的手机号（11 位）。") % {"value": value}, "invalid_phone"
        )
    return number


def status(value: str, cell: Cell, problems: Problems) -> str | None:
    text = _text(value).lower()
    found = STATUS_WORDS.get(text) or STATUS_WORDS.get(_text(value))
    if found:
        return str(found)
    if not text:
        problems.error(cell, _("请填写预约状态，如“已完成”。"), "required")
    else:
        problems.error(
            cell,
            _("未知状态“%(value)s”；可填：%(choices)s。")
            % {"value": value, "choices": join_list(s.label for s in Status)},
            "invalid_choice",
        )
    return None


def integer(
    value: str, cell: Cell, problems: Problems, *, low: int, high: int, default: int | None
) -> int | None:
    text = _text(value)
    if not text and default is not None:
        return default
    try:
        number = int(Decimal(text)) if text and Decimal(text) == int(Decimal(text)) else None
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not low <= number <= high:
        problems.error(
            cell,
            _("须是 %(low)d 到 %(high)d 之间的整数。") % {"low": low, "high": high},
            "invalid_number",
        )
        return None
    return number


def money_fen(value: str, cell: Cell, problems: Problems) -> int | None:
    """Yuan as recorded ("20", "20.50", "¥20", "20元") in fen; empty is 0 (free)."""
    text = _text(value).replace(",", "")
    if not text:
        return 0
    match = _MONEY.match(text)
    if match:
        fen = int(Decimal(match.group(1)) * 100)
        if fen <= MAX_MONEY_FEN:
            return fen
    problems.error(
        cell, _("无法识别金额“%(value)s”；请写成元，如 20 或 20.50。") % {"value": value}, "invalid"
    )
    return None


def text(value: str, cell: Cell, problems: Problems, *, max_length: int) -> str | None:
    value = value.strip()
    if len(value) > max_length:
        problems.error(
            cell,
            _("不能超过 %(max)d 个字（现在 %(n)d 个）。") % {"max": max_length, "n": len(value)},
            "too_long",
        )
        return None
    return value
