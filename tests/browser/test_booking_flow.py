"""A resident books a room on a small phone: venue -> 预约 -> day -> start time -> confirm
(wrong first, then right) -> the booking with its QR code and code -> cancel in two steps."""

import os
import re

import pytest
from playwright.sync_api import expect

from bookings.models import Booking, Status

pytestmark = pytest.mark.browser


def shot(page, name):
    """LINLI_SCREENSHOTS=1 keeps what the phone showed in var/ (to look at, not asserted)."""
    if os.environ.get("LINLI_SCREENSHOTS"):
        page.screenshot(path=f"var/booking-{name}.png", full_page=True)


def test_a_resident_books_sees_the_qr_code_and_cancels(
    signed_in_page, live_server, teahouse, room, owner
):
    page = signed_in_page(owner)
    page.goto(f"{live_server.url}/venues/{teahouse.pk}/")
    page.get_by_role("link", name="预约", exact=True).click()

    page.get_by_role("link", name=re.compile("^明天")).click()
    grid = page.locator("#bk-grid")
    expect(grid.get_by_role("heading", name="第三步：点开始时间")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "grid")
    grid.get_by_role("link", name="10:00", exact=True).click()

    page.wait_for_url(re.compile(r"/rooms/\d+/book/"))
    expect(page.get_by_role("heading", name="确认预约")).to_be_visible()
    expect(page.get_by_text("提交后立即约好，不用等审核。")).to_be_visible()
    page.get_by_label("人数").fill("99")
    page.get_by_role("button", name="确认预约").click()
    expect(page.get_by_text("请填写用途。")).to_be_visible()
    assert not Booking.objects.exists()
    expect(page.get_by_label("人数")).to_have_value("99")  # kept
    page.get_by_label("用途").fill("合唱排练")
    page.get_by_role("button", name="确认预约").click()
    expect(page.get_by_text("这个功能室每次最多")).to_be_visible()  # the scene's rule
    shot(page, "confirm-error")
    page.get_by_label("人数").fill("3")
    page.get_by_role("button", name="确认预约").click()

    page.wait_for_url(re.compile(r"/me/bookings/[\w-]+/$"))
    booking = Booking.objects.get()
    assert (booking.people, booking.purpose, booking.status) == (3, "合唱排练", Status.CONFIRMED)
    expect(page.locator(".bk-qr svg")).to_be_visible()
    expect(page.locator(".bk-code")).to_have_text(booking.code)
    expect(page.get_by_text("起可以签到")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "confirmation")

    page.get_by_role("button", name="取消预约").click()
    expect(page.get_by_text("确定取消这个预约吗？")).to_be_visible()
    shot(page, "cancel-question")
    booking.refresh_from_db()
    assert booking.status == Status.CONFIRMED  # not yet: one more tap
    page.get_by_role("button", name="确认取消预约").click()
    expect(page.get_by_text("已取消预约。")).to_be_visible()
    booking.refresh_from_db()
    assert booking.status == Status.CANCELLED
    expect(page.locator(".bk-qr")).to_have_count(0)

    page.goto(f"{live_server.url}/me/bookings/")
    expect(page.get_by_text("已取消", exact=True)).to_be_visible()
    shot(page, "mine")
