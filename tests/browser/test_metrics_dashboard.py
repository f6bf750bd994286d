"""The metrics dashboard's period form at 360x640, with htmx: a wrong period (the error
next to the field, the input kept, no figures) then a right one (the figures change in
place and the URL follows). The teahouse is open 09:00-22:00 every day: 13 h a day."""

import pytest

from tests.browser.test_operator_forms import assert_no_reload, open_page

pytestmark = pytest.mark.browser


def region(page):
    return page.locator("#metrics-region")


def _period(page, start, last):
    page.fill("#id_from", start)
    page.fill("#id_to", last)
    page.get_by_role("button", name="查看", exact=True).click()


def test_the_period_form_on_the_venue_tab(signed_in_page, live_server, teahouse, operator):
    url = f"{live_server.url}/operate/venues/{teahouse.pk}/metrics/?from=2026-11-02&to=2026-11-15"
    page = open_page(signed_in_page, operator, url)
    assert region(page).get_by_text("182 小时").first.is_visible()  # 14 days x 13 h

    _period(page, "2026-11-20", "2026-11-10")
    error = region(page).get_by_text("结束日期不能早于开始日期。")
    error.wait_for()
    assert error.is_visible()
    assert page.input_value("#id_from") == "2026-11-20"
    assert page.input_value("#id_to") == "2026-11-10"
    assert region(page).locator("#figures-title").count() == 0
    # Next to the field: the message is in the "to" field's own block.
    assert page.locator("div:has(> #id_to)").get_by_text("结束日期不能早于开始日期。").count()
    page.screenshot(path="var/metrics-360-error.png", caret="initial")

    _period(page, "2026-11-20", "2026-11-26")
    region(page).get_by_text("91 小时").first.wait_for()  # 7 days x 13 h
    assert region(page).get_by_text("结束日期不能早于开始日期。").count() == 0
    assert "from=2026-11-20" in page.url and "to=2026-11-26" in page.url
    assert_no_reload(page)
    page.screenshot(path="var/metrics-360.png", full_page=True, caret="initial")


def test_all_venues_and_a_preset(signed_in_page, live_server, teahouse, operator):
    url = f"{live_server.url}/operate/metrics/?from=2026-11-02&to=2026-11-15"
    page = open_page(signed_in_page, operator, url)
    assert page.locator("#venues-title").is_visible()  # the comparison, with "all"
    page.select_option("#id_venue", str(teahouse.pk))
    page.get_by_role("button", name="查看", exact=True).click()
    page.wait_for_url(f"**venue={teahouse.pk}**")
    region(page).locator("#figures-title").wait_for()
    assert page.locator("#venues-title").count() == 0
    page.get_by_role("link", name="上月").click()
    page.wait_for_url("**by=week**")
    region(page).locator("#figures-title").wait_for()
    assert_no_reload(page)
