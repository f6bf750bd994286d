"""Fixtures for the spaces tests: a published event that hours and room changes may affect."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.factories import weekly_hours

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def november():
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=SH), tick=False):
        yield


@pytest.fixture
def published_event(november, operator, venue, room):
    from scenes.services.events import event_publish

    weekly_hours(venue, dt.time(9), dt.time(21))
    [event] = event_publish(
        user=operator,
        venue=venue,
        room=room,
        title="品茶议事",
        capacity=10,
        starts_at=dt.datetime(2026, 11, 25, 19, tzinfo=SH),
        ends_at=dt.datetime(2026, 11, 25, 20, tzinfo=SH),
    )
    return event
