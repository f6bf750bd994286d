"""The operator's desk on a small phone: checking a resident in by the code on their phone
(a wrong code first, then the right one) and counting walk-ins (a wrong headcount first),
each swapped in place by htmx with the result in words."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bookings.models import Booking, CheckIn, Status
from tests.factories import make_booking

pytestmark = pytest.mark.browser


def _due_booking(room, resident) -> Booking:
    """A confirmed booking starting in five minutes: its check-in window is open now."""
    start = (timezone.now() + dt.timedelta(minutes=5)).replace(second=0, microsecond=0)
    return make_booking(room, start, resident=resident, people=3, code="482913")


def _open_desk(signed_in_page, live_server, operator, venue):
    page = signed_in_page(operator)
    page.goto(f"{live_server.url}/operate/venues/{venue.pk}/desk/")
    page.evaluate("window.linliMark = 'same page'")
    return page


def _same_page(page) -> bool:
    return page.evaluate("window.linliMark") == "same page"


def test_an_operator_checks_a_resident_in_by_code(
    signed_in_page, live_server, venue, room, operator, owner
):
    booking = _due_booking(room, owner)
    page = _open_desk(signed_in_page, live_server, operator, venue)
    page.screenshot(path="var/desk-360.png", caret="initial")
    card = page.locator(".desk-code-card")
    code = card.get_by_label("签到码")
    assert code.get_attribute("inputmode") == "numeric"

    code.fill("48291")
    card.get_by_role("button", name="签到").click()
    card = page.locator(".desk-code-card")
    card.get_by_text("签到码是 6 位数字，请核对后重新输入。").wait_for()
    assert card.get_by_label("签到码").input_value() == "48291"
    page.screenshot(path="var/desk-360-wrong-code.png", caret="initial")

    card.get_by_label("签到码").fill("482914")
    card.get_by_role("button", name="签到").click()
    page.get_by_text("没有找到今天签到码为 482914 的预约，请核对。").wait_for()
    assert not CheckIn.objects.exists()

    page.locator(".desk-code-card").get_by_label("签到码").fill("482913")
    page.locator(".desk-code-card").get_by_role("button", name="签到").click()
    when = booking.starts_at.astimezone(venue.zone).strftime("%H:%M")
    result = page.locator(".desk-code-card").get_by_role("status")
    expect(result).to_contain_text(f"已签到：{when}-")
    expect(result).to_contain_text("议事茶亭 张阿姨")
    expect(result).to_be_in_viewport()  # said where the operator is looking
    assert page.locator(".desk-code-card").get_by_label("签到码").input_value() == ""
    page.screenshot(path="var/desk-360-checked-in.png", caret="initial")
    assert _same_page(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    booking.refresh_from_db()
    assert booking.status == Status.CHECKED_IN
    assert CheckIn.objects.get().booking == booking


def test_an_operator_counts_walk_ins(signed_in_page, live_server, venue, room, operator):
    page = _open_desk(signed_in_page, live_server, operator, venue)
    section = page.locator("#walk-in")
    section.get_by_label("人数").fill("0")
    section.get_by_role("button", name="记录到访").click()
    page.locator("#walk-in").get_by_text("人数至少为 1。").wait_for()
    assert not CheckIn.objects.exists()

    section = page.locator("#walk-in")
    section.get_by_label("人数").fill("3")
    section.get_by_label("功能室（可不选）").select_option(label=str(room))
    section.get_by_role("button", name="记录到访").click()
    done = page.locator("#walk-in").get_by_text("已记录到访 3 人（议事茶亭）。")
    done.wait_for()
    expect(done).to_be_in_viewport()
    # Below the sticky top bar, not under it.
    assert done.bounding_box()["y"] >= page.locator(".topbar").bounding_box()["height"]
    assert "前台记录 3 人" in page.locator("#walk-in").inner_text()
    page.locator("#walk-in").scroll_into_view_if_needed()
    page.screenshot(path="var/desk-360-walk-in.png", caret="initial")
    assert _same_page(page)
    checkin = CheckIn.objects.get()
    assert (checkin.headcount, checkin.room, checkin.resident) == (3, room, None)

    # Undo asks first, then removes the entry.
    page.locator("#walk-in").get_by_role("button", name="撤销最后一条").click()
    page.get_by_role("button", name="确认撤销").click()
    page.get_by_text("已撤销：3 人").wait_for()
    assert not CheckIn.objects.exists()
