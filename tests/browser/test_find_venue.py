import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.factories import RoomFactory, VenueFactory, weekly_hours

pytestmark = pytest.mark.browser


@pytest.fixture
def chengdu_venues(transactional_db):
    near = VenueFactory(name="五福茶馆", latitude=30.7050, longitude=104.0920)
    far = VenueFactory(name="府青路社区活动室", latitude=30.6800, longitude=104.1000)
    RoomFactory(venue=near, name="议事茶亭", capacity=12)
    weekly_hours(near, dt.time(9), dt.time(21))
    weekly_hours(far, dt.time(14), dt.time(21))
    return near, far


def test_resident_finds_nearest_venue_and_reads_next_weeks_hours(page, live_server, chengdu_venues):
    near, _far = chengdu_venues
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": 30.7045, "longitude": 104.0925})
    page.goto(live_server.url + "/")
    assert page.get_by_role("heading", name="身边的社区空间").is_visible()

    page.get_by_role("button", name="使用我的位置，按距离排序").click()
    page.get_by_text("已按你的位置由近到远排序。").wait_for()
    first_card = page.locator(".venue-card").first
    assert first_card.get_by_role("link").inner_text() == "五福茶馆"
    assert "米" in first_card.locator(".distance").inner_text()

    first_card.get_by_role("link", name="五福茶馆").click()
    page.get_by_role("heading", name="开放时间").wait_for()
    page.get_by_role("link", name="下一周 ›").click()

    today = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    next_week = today + dt.timedelta(days=7)
    row = page.locator(f'li[data-date="{next_week:%Y-%m-%d}"]')
    row.wait_for()
    assert f"{next_week.month}月{next_week.day}日" in row.inner_text()
    # Holidays may fall next week; otherwise the weekly hours show.
    assert "09:00–21:00" in row.inner_text() or "闭馆" in row.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
