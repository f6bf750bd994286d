"""Input types shared by every API schema, so each bad-input rule is written once.

- ``Id``: a database id. Anything past 64 bits (or below 1) is a 422 field error, never an
  overflow in the database driver.
- ``LocalTime``: a wall-clock time in the venue's zone ("08:00"). Hours and scenes are
  local by definition; a zone suffix ("08:00+08:00", "09:00:00Z") is refused with a clear
  message instead of reaching the database as an aware time.
- ``Day`` / ``Instant``: dates and datetimes inside the range the statutory calendar
  supports; outside it the answer is 422 ``date_out_of_range``, as the hours endpoint says.
- ``AwareInstant``: an ``Instant`` that must carry its offset ("2026-12-02T10:00:00+08:00"
  or "...Z"). A naive one is 422 ``timezone_required``: guessing a zone for a booking
  would book the wrong hour. Numbers (Unix seconds) are refused too: ISO 8601 text only.

Pydantic errors raised here carry their own type (``PydanticCustomError``); the API's
validation handler uses it as the response ``code`` when it is the only problem.
"""

import datetime as dt
from typing import Annotated

from django.utils.translation import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

# PostgreSQL bigint, SQLite INTEGER: every id column is a BigAutoField.
MAX_ID = 2**63 - 1


def _date_out_of_range() -> PydanticCustomError:
    # The calendar owns the supported range and its message; share both.
    from spaces.hours.compute import date_out_of_range

    return PydanticCustomError("date_out_of_range", str(date_out_of_range().message))


def _supported_date(value: dt.date) -> dt.date:
    from spaces.calendar import MAX_DATE, MIN_DATE

    if not MIN_DATE < value <= MAX_DATE:
        raise _date_out_of_range()
    return value


def _supported_instant(value: dt.datetime) -> dt.datetime:
    _supported_date(value.date())
    return value


def _text_instant(value):
    if isinstance(value, int | float | bool):
        raise PydanticCustomError("datetime_type", str(_("请输入有效的日期和时间（ISO 8601）。")))
    return value


def _aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise PydanticCustomError(
            "timezone_required",
            str(_("请在时间后注明时区，如 2026-12-02T10:00:00+08:00。")),
        )
    return value


def _local_time(value: dt.time) -> dt.time:
    if value.tzinfo is not None:
        raise PydanticCustomError(
            "local_time_required",
            str(_("请填写场馆当地时间（如 08:00），不要带时区。")),
        )
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# Documented as a pattern, not ``format: time``: RFC 3339's time requires the zone suffix
# this type refuses.
LocalTime = Annotated[
    dt.time,
    AfterValidator(_local_time),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$",
            "description": "local wall-clock time in the venue's zone, HH:MM, without a zone",
            "examples": ["08:00"],
        }
    ),
]
Day = Annotated[dt.date, AfterValidator(_supported_date)]
Instant = Annotated[dt.datetime, AfterValidator(_supported_instant)]
AwareInstant = Annotated[
    dt.datetime,
    BeforeValidator(_text_instant),
    AfterValidator(_aware),
    AfterValidator(_supported_instant),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "description": "ISO 8601 date and time with its offset (+08:00 or Z)",
            "examples": ["2026-12-02T10:00:00+08:00"],
        }
    ),
]
