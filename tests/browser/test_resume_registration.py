"""The resident path of issue 8, counted in taps: find the teahouse, tap 报名, sign in with a
text-message code, agree, and land back on the event with the registration done."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from scenes.models import Event, EventRegistration
from tests.factories import RoomFactory, VenueFactory, weekly_hours

pytestmark = pytest.mark.browser

SH = ZoneInfo("Asia/Shanghai")
PHONE = "13800000009"


def newest_code(outbox) -> str:
    assert outbox, "no text message was sent"
    return re.search(r"(?<!\d)\d{6}(?!\d)", outbox[-1].message).group()


class Taps:
    """Every click goes through here, so the test counts what a resident would tap."""

    def __init__(self):
        self.count = 0

    def __call__(self, locator):
        locator.click()
        self.count += 1


@pytest.fixture
def teahouse_event(transactional_db):
    venue = VenueFactory(name="五福茶馆")
    weekly_hours(venue, dt.time(9), dt.time(21))
    room = RoomFactory(venue=venue, name="议事茶亭", capacity=12)
    day = timezone.localdate(timezone=SH) + dt.timedelta(days=2)
    starts_at = dt.datetime.combine(day, dt.time(14, 30), tzinfo=SH)
    return Event.objects.create(
        venue=venue,
        room=room,
        title="品茶议事",
        capacity=12,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=90),
    )


def test_find_the_teahouse_sign_in_and_register_in_five_taps(
    page, live_server, sms_outbox, teahouse_event
):
    tap = Taps()
    page.goto(live_server.url + "/")

    tap(page.get_by_role("link", name="五福茶馆"))  # 1: the venue
    card = page.locator(f"#event-{teahouse_event.pk}")
    tap(card.get_by_role("button", name="登录后报名"))  # 2: register, signed out

    page.wait_for_url(re.compile(r"/accounts/sign-in/"))
    expect(page.get_by_text("登录后将为您报名“品茶议事”，不用再点一次。")).to_be_visible()
    page.get_by_label("手机号").fill(PHONE)
    tap(page.get_by_role("button", name="获取验证码"))  # 3
    expect(page.get_by_label("验证码")).to_be_visible()
    page.get_by_label("验证码").fill(newest_code(sms_outbox))
    taps_before_code = tap.count

    tap(page.get_by_role("button", name="登录", exact=True))  # 4
    page.wait_for_url(re.compile(r"/accounts/consent/"))
    agree = page.get_by_role("button", name="同意并继续")
    # The button is on the first screen of a 360x640 phone, and already focused.
    box = agree.bounding_box()
    assert box["y"] + box["height"] <= 640, box
    expect(agree).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    tap(agree)  # 5

    page.wait_for_url(f"{live_server.url}/events/{teahouse_event.pk}/")
    expect(page.get_by_text("报名成功。")).to_be_visible()
    card = page.locator(f"#event-{teahouse_event.pk}")
    expect(card.get_by_text("已报名")).to_be_visible()
    expect(card.get_by_role("button", name="取消报名")).to_be_visible()
    registration = EventRegistration.objects.get(event=teahouse_event)
    assert (registration.resident.phone, registration.status) == (PHONE, "registered")

    assert tap.count == 5
    assert tap.count - taps_before_code == 2  # after the code is typed: 登录, 同意并继续
