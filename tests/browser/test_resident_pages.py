"""The venue page and the events list on a 360x640 phone: what a resident needs now is on
the first screen, a weekly series is one card, and doubled text never scrolls sideways."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from scenes.models import Event, EventSeries
from tests.factories import RoomFactory, VenueFactory, make_scene, weekly_hours

pytestmark = pytest.mark.browser

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def teahouse(transactional_db):
    venue = VenueFactory(name="五福茶馆", description="五福桥社区的社区茶馆。" * 6)
    weekly_hours(venue, dt.time(0), dt.time(23, 59))  # open whenever the test runs
    make_scene(venue, starts=dt.time(0), ends=dt.time(18))
    room = RoomFactory(venue=venue, name="议事茶亭", capacity=12)
    series = EventSeries.objects.create(weeks=8)
    first = timezone.localdate(timezone=SH) + dt.timedelta(days=1)
    for week in range(8):
        starts_at = dt.datetime.combine(first + dt.timedelta(weeks=week), dt.time(14), tzinfo=SH)
        Event.objects.create(
            venue=venue,
            room=room,
            series=series,
            title="品茶议事",
            capacity=12,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(hours=1),
        )
    return venue


def scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") > 360


def double_the_text(page):
    # What a browser's "larger text" setting does: the root size the page's rem follow.
    page.evaluate("document.documentElement.style.fontSize = '200%'")


def test_the_venue_page_answers_open_and_whats_next_on_the_first_screen(
    page, live_server, teahouse
):
    page.goto(f"{live_server.url}/venues/{teahouse.pk}/")

    for locator in (
        page.locator("#venue-status"),
        page.get_by_role("link", name="本馆全部活动"),
        page.get_by_role("heading", name="近期活动"),
    ):
        box = locator.bounding_box()
        assert box["y"] + box["height"] <= 640, locator
    expect(page.locator("#venue-status")).to_contain_text("开放中")
    panel = page.get_by_role("region", name="近期活动")
    expect(panel.get_by_text("8 次")).to_be_visible()
    assert panel.locator(".event-card").count() == 1
    # The week is one block: hours and the day's scenes together.
    week = page.locator(".vh-hours")
    assert week.locator(".vh-day").count() >= 1
    expect(week.get_by_text("00:00-18:00 公益时段").first).to_be_visible()
    assert not scrolls_sideways(page)

    double_the_text(page)
    assert not scrolls_sideways(page)


def test_the_events_list_shows_a_series_once_and_filters_without_reloading(
    page, live_server, teahouse
):
    page.goto(f"{live_server.url}/events/")
    cards = page.locator("#event-results .event-card")
    assert cards.count() == 1
    expect(cards.first.get_by_text("8 次")).to_be_visible()

    page.evaluate("window.linliMark = 'same page'")
    page.get_by_label("日期").select_option("today")
    expect(page.get_by_text("没有符合条件的活动，换个日期或场馆试试。")).to_be_visible()
    assert "when=today" in page.url
    assert page.evaluate("window.linliMark") == "same page"

    page.get_by_label("日期").select_option("next-week")
    expect(page.locator("#event-results .event-card")).to_have_count(1)
    assert not scrolls_sideways(page)
    double_the_text(page)
    assert not scrolls_sideways(page)

    # Next week holds one date of the series: a plain card. All dates: the series page.
    expect(page.get_by_text("8 次")).to_have_count(0)
    page.get_by_label("日期").select_option("")
    page.get_by_role("link", name="查看全部 8 个日期，按场报名 ›").click()
    page.wait_for_url(f"{live_server.url}/events/series/**")
    expect(page.locator(".event-card")).to_have_count(8)
