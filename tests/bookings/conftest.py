"""The model case for bookings: a venue open 09:00-21:00 every day, a public-benefit scene
09:00-18:00 (free, instant, 30-minute grid) and a commercial one 18:00-21:00 (paid,
60 minutes at least), the clock frozen on Tuesday 2026-12-01 08:00 in Shanghai."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from scenes.models import Group, GroupMembership, GroupVenueApproval
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


# A group's weekly series (tests/bookings/test_series*.py): Monday 2026-09-14 08:00, two
# weeks before the National Day break.
SEPTEMBER = dt.datetime(2026, 9, 14, 8, 0, tzinfo=SH)


@pytest.fixture
def september():
    with time_machine.travel(SEPTEMBER, tick=False) as traveller:
        yield traveller


@pytest.fixture
def choir(owner, venue):
    """五福合唱团, led by ``owner`` and approved at ``venue``."""
    group = Group.objects.create(name="五福合唱团", created_by=owner)
    GroupMembership.objects.create(group=group, user=owner, role=GroupMembership.Role.LEADER)
    GroupVenueApproval.objects.create(
        group=group, venue=venue, status=GroupVenueApproval.Status.APPROVED
    )
    return group
