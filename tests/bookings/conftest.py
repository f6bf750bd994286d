"""The model case for bookings: a venue open 09:00-21:00 every day, a public-benefit scene
09:00-18:00 (free, instant, 30-minute grid) and a commercial one 18:00-21:00 (paid,
60 minutes at least), the clock frozen on Tuesday 2026-12-01 08:00 in Shanghai."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.factories import make_scene, weekly_hours

SH = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=SH)


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> dt.datetime:
    """A Shanghai instant in December 2026 (or ``month``)."""
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SH)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def scenes(venue, room):
    weekly_hours(venue)
    public = make_scene(venue, kind="public", ends=dt.time(18))
    commercial = make_scene(
        venue, kind="commercial", name="夜间茶座", starts=dt.time(18), ends=dt.time(21)
    )
    return public, commercial
