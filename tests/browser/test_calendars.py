"""Calendar subscriptions at 360x640: a resident turns their feed on, sees the link once,
declines and then confirms a new link (the old one dies), a tampered group is the 404
page, and turns the feed off; inside WeChat the venue's page explains what to do."""

import re

import pytest

from calendars.models import FeedToken

pytestmark = pytest.mark.browser

WECHAT = (
    "Mozilla/5.0 (Linux; Android 13; V2203A) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/116.0 Mobile Safari/537.36 MicroMessenger/8.0.47.2560"
)


def shown_link(page) -> str:
    field = page.locator("#me-url")
    field.wait_for()
    value = field.input_value()
    assert re.fullmatch(r"http://[^/]+/calendars/me/[A-Za-z0-9_-]{43}\.ics", value), value
    return value


def test_a_resident_turns_their_feed_on_renews_it_wrong_and_right_and_turns_it_off(
    signed_in_page, live_server, owner
):
    page = signed_in_page(owner)
    page.goto(f"{live_server.url}/accounts/me/")
    page.get_by_role("link", name="日历订阅").click()
    page.get_by_role("heading", name="日历订阅").wait_for()
    section = page.locator("#feed-me")
    section.get_by_role("button", name="开启订阅").click()
    page.get_by_text("订阅链接已生成").wait_for()
    first = shown_link(page)
    assert page.get_by_role("link", name="订阅到日历").get_attribute("href").startswith("webcal://")
    assert page.get_by_role("button", name="复制链接").is_visible()
    assert page.request.get(first).status == 200

    # Wrong: asked for a new link, the resident steps back; nothing changes.
    page.goto(f"{live_server.url}/calendars/")
    section.get_by_role("button", name="生成新链接").click()
    page.get_by_text("旧链接会立即失效").wait_for()
    page.get_by_role("link", name="不了，返回").click()
    page.get_by_text("旧链接会立即失效").wait_for(state="detached")
    assert page.request.get(first).status == 200

    # Right: confirmed, a new link; the old one is dead at once.
    section.get_by_role("button", name="生成新链接").click()
    page.locator("#confirm").get_by_role("button", name="生成新链接").click()
    second = shown_link(page)
    assert second != first
    assert page.request.get(first).status == 404
    assert page.request.get(second).status == 200

    # A tampered form (a group that is not theirs) is the site's 404 page.
    page.goto(f"{live_server.url}/calendars/")
    page.evaluate(
        """() => { const form = document.querySelector('#feed-me form');
        const input = document.createElement('input'); input.type = 'hidden';
        input.name = 'group'; input.value = '987654'; form.appendChild(input); }"""
    )
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        section.get_by_role("button", name="生成新链接").click()
    assert answer.value.status == 404
    page.locator("a[href='/']").first.wait_for()  # the error page, in the site layout
    assert page.request.get(second).status == 200

    page.goto(f"{live_server.url}/calendars/")
    section.get_by_role("button", name="关闭订阅").click()
    page.get_by_text("关闭“我的预约和活动”的日历订阅吗？").wait_for()
    page.locator("#confirm").get_by_role("button", name="关闭订阅").click()
    page.get_by_text("已关闭订阅，旧链接已失效。").wait_for()
    assert page.request.get(second).status == 404
    assert not FeedToken.objects.filter(user=owner).exists()


def test_inside_wechat_the_venue_page_says_to_open_the_browser(browser, live_server, venue):
    context = browser.new_context(
        viewport={"width": 360, "height": 640}, locale="zh-CN", user_agent=WECHAT
    )
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/venues/{venue.pk}/")
        page.get_by_role("link", name="订阅活动日历").click()
        page.get_by_text("在浏览器打开").first.wait_for()
        assert page.locator("a[href^='webcal:']").count() == 0
        link = page.locator("#events-url").input_value()
        assert link.endswith(f"/calendars/venues/{venue.pk}.ics")
        assert page.request.get(link).headers["content-type"] == "text/calendar; charset=utf-8"
    finally:
        context.close()
