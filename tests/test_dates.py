"""linli.dates: one phrasing of "when" next to "now", in the venue's zone, in both languages."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from linli.dates import relative_time, weekday_choices
from spaces.models import Venue
from spaces.selectors import local_today
from tests.factories import RoomFactory, VenueFactory, make_scene, weekly_hours

SH = ZoneInfo("Asia/Shanghai")
# Monday 2026-09-28, 23:00 in Shanghai.
NOW = dt.datetime(2026, 9, 28, 23, 0, tzinfo=SH)


@pytest.mark.parametrize(
    ("moment", "chinese", "english"),
    [
        (dt.datetime(2026, 9, 28, 23, 30, tzinfo=SH), "23:30", "23:30"),
        (dt.datetime(2026, 9, 29, 9, 0, tzinfo=SH), "明天 09:00", "tomorrow 09:00"),
        (dt.datetime(2026, 9, 30, 9, 0, tzinfo=SH), "周三 09:00", "Wed 09:00"),
        (dt.datetime(2026, 10, 4, 18, 0, tzinfo=SH), "周日 18:00", "Sun 18:00"),
        (dt.datetime(2026, 10, 5, 9, 0, tzinfo=SH), "10月5日 09:00", "5 Oct 09:00"),
    ],
)
def test_relative_time_says_today_tomorrow_weekday_or_date(moment, chinese, english):
    with translation.override("zh-hans"):
        assert relative_time(moment, NOW) == chinese
    with translation.override("en"):
        assert relative_time(moment, NOW) == english


def test_relative_time_counts_days_in_the_zone_of_now_not_utc():
    # 01:00 UTC on the 29th is 09:00 on the 29th in Shanghai (tomorrow there) but 20:00 on
    # the 28th in Chicago, where NOW is 10:00 the same day.
    moment = dt.datetime(2026, 9, 29, 1, 0, tzinfo=dt.UTC)
    with translation.override("zh-hans"):
        assert relative_time(moment, NOW) == "明天 09:00"
        assert relative_time(moment, NOW.astimezone(ZoneInfo("America/Chicago"))) == "20:00"


def test_weekday_choices_number_from_monday_in_both_languages():
    with translation.override("zh-hans"):
        assert [(n, str(label)) for n, label in weekday_choices(first=1, short=True)][:2] == [
            (1, "周一"),
            (2, "周二"),
        ]
        assert str(weekday_choices()[6][1]) == "星期日"
    with translation.override("en"):
        assert str(weekday_choices(short=True)[0][1]) == "Mon"


def test_venue_zone_follows_its_time_zone():
    venue = Venue(time_zone="Asia/Shanghai")
    assert venue.zone is ZoneInfo("Asia/Shanghai")
    venue.time_zone = "Asia/Urumqi"
    assert venue.zone == ZoneInfo("Asia/Urumqi")


def test_local_today_is_the_venues_date():
    late = dt.datetime(2026, 9, 28, 16, 30, tzinfo=dt.UTC)  # 00:30 on the 29th in Shanghai
    assert local_today(Venue(time_zone="Asia/Shanghai"), late) == dt.date(2026, 9, 29)
    assert local_today(Venue(time_zone="Europe/London"), late) == dt.date(2026, 9, 28)


@time_machine.travel(NOW, tick=False)
def test_the_venue_page_phrases_the_next_opening_one_way(anonymous, db):
    venue = VenueFactory()
    RoomFactory(venue=venue)
    weekly_hours(venue, dt.time(9), dt.time(22))
    make_scene(venue)
    html = anonymous.get(f"/venues/{venue.pk}/").content.decode()
    assert "已关门 · 明天 09:00 开门" in html
    assert "明天 09:00 起：公益时段" in html
    assert "次日09:00" not in html
