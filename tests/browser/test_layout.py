"""Every resident and operator page fits a 360x640 phone: no sideways scrolling.

The `page` fixture already fails a test on a third-party request or a CSP violation, so
this walk also proves every page is self-hosted and free of inline scripts and styles.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from scenes.services.events import event_publish
from tests.factories import (
    ResidentFactory,
    RoomFactory,
    UserFactory,
    VenueFactory,
    VenueRoleFactory,
    make_scene,
    weekly_hours,
)

pytestmark = pytest.mark.browser

RESIDENT_PAGES = [
    "/",
    "/venues/",
    "/venues/{venue}/",
    "/venues/{venue}/?week={next_week}",
    "/events/",
    "/events/{event}/",
    "/groups/",
    "/groups/new/",
    "/accounts/me/",
    "/accounts/privacy/",
]
OPERATOR_PAGES = [
    "/operate/",
    "/operate/venues/{venue}/",
    "/operate/venues/{venue}/rooms/",
    "/operate/rooms/{room}/",
    "/operate/venues/{venue}/hours/",
    "/operate/venues/{venue}/exceptions/",
    "/operate/venues/{venue}/photos/",
    "/operate/venues/{venue}/scenes/",
    "/operate/venues/{venue}/events/",
    "/operate/venues/{venue}/groups/",
]


@pytest.fixture
def teahouse(transactional_db):
    # Open as usual on holidays, so "an event tomorrow" is valid whatever day the suite runs.
    venue = VenueFactory(name="五福茶馆", holiday_policy="as_usual")
    for order, (name, capacity) in enumerate(
        [("议事茶亭", 12), ("服务驿站", 8), ("长者空间", 20), ("社区书屋", 15)]
    ):
        RoomFactory(venue=venue, name=name, capacity=capacity, order=order)
    weekly_hours(venue, dt.time(9), dt.time(22))
    make_scene(venue, description="品茶议事、兴趣课程")
    make_scene(venue, kind="commercial", starts=dt.time(18), ends=dt.time(22))
    operator = UserFactory(username="wufu-operator", is_staff=True)
    VenueRoleFactory(user=operator, venue=venue)
    tomorrow = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date() + dt.timedelta(days=1)
    start = dt.datetime.combine(tomorrow, dt.time(14, 30), tzinfo=ZoneInfo("Asia/Shanghai"))
    [event] = event_publish(
        user=operator,
        venue=venue,
        room=venue.rooms.first(),
        title="品茶议事：小区加装电梯怎么分摊",
        capacity=12,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=90),
    )
    values = {
        "venue": venue.pk,
        "room": venue.rooms.first().pk,
        "event": event.pk,
        "next_week": (tomorrow + dt.timedelta(days=6)).isoformat(),
    }
    return values, operator


def assert_fits(page, url):
    page.goto(url)
    assert page.locator("main").is_visible(), url
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{url} is {width}px wide at a 360px viewport"


def test_resident_pages_fit_a_phone(signed_in_page, live_server, teahouse):
    values, _operator = teahouse
    page = signed_in_page(ResidentFactory(phone="13800000001", display_name="张阿姨"))
    for path in RESIDENT_PAGES:
        assert_fits(page, live_server.url + path.format(**values))


def test_operator_pages_fit_a_phone(signed_in_page, live_server, teahouse):
    values, operator = teahouse
    page = signed_in_page(operator)
    for path in OPERATOR_PAGES:
        assert_fits(page, live_server.url + path.format(**values))
