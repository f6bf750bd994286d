"""An operator adds an evening commercial scene in the planner; residents see it."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from scenes.models import Scene

pytestmark = pytest.mark.browser


def test_operator_creates_an_evening_scene_and_residents_see_it(
    signed_in_page, live_server, teahouse, operator
):
    page = signed_in_page(operator)
    # The week grid is the wide layout (a phone shows one day: test_planner_on_a_phone.py).
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(f"{live_server.url}/operate/venues/{teahouse.pk}/scenes/")
    assert page.locator(".scene-block.scene-public").first.is_visible()

    page.get_by_role("link", name="新建场景").click()
    form = page.locator("#scene-editor form")
    form.wait_for()
    assert "新建场景" in form.inner_text()
    page.fill("#id_name", "夜间棋牌")
    page.fill("#id_description", "棋牌、休闲茶饮")
    page.check("input[name=kind][value=commercial]")
    page.check("#id_all_rooms")
    page.fill("#id_starts", "18:00")
    page.fill("#id_ends", "22:00")
    page.get_by_role("button", name="保存场景").click()

    page.get_by_text("场景“夜间棋牌”已创建。").wait_for()
    blocks = page.locator(".scene-block.scene-commercial")
    # This week, from today (the new scene's first day) to Sunday.
    today = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    assert blocks.count() == 7 - today.weekday()
    assert "18:00-22:00" in blocks.first.inner_text()
    # Placed by planner.js: the block's box sits below the day scene's.
    day_box = page.locator(".scene-block.scene-public").first.bounding_box()
    evening_box = blocks.first.bounding_box()
    assert evening_box["y"] >= day_box["y"] + day_box["height"] - 1
    scene = Scene.objects.get(name="夜间棋牌")
    assert (scene.kind, scene.price_per_hour_fen, scene.starts) == (
        "commercial",
        2000,
        dt.time(18),
    )

    # A clash is explained inside the form, without leaving the page.
    page.get_by_role("link", name="新建场景").click()
    page.locator("#scene-editor form").wait_for()
    page.fill("#id_name", "夜校")
    page.check("#id_all_rooms")
    page.fill("#id_starts", "20:00")
    page.fill("#id_ends", "21:00")
    page.get_by_role("button", name="保存场景").click()
    page.get_by_text("“夜校”与“夜间棋牌”在").wait_for()
    assert page.input_value("#id_name") == "夜校"

    page.goto(f"{live_server.url}/venues/{teahouse.pk}/")
    # The scenes sit under each day's hours in the one week block (alike days merged).
    week = page.locator(".vh-hours")
    assert week.is_visible()
    assert week.get_by_text("18:00-22:00 夜间棋牌").first.is_visible()
    rows = page.locator(".vh-day").count()
    assert 1 <= rows <= 7
    assert page.locator(".vh-day .scene-band.scene-commercial").count() == rows
    assert page.locator(".scene-now-line").is_visible()


def test_the_scene_form_keeps_input_and_shows_the_error(
    signed_in_page, live_server, teahouse, operator
):
    page = signed_in_page(operator)
    page.goto(f"{live_server.url}/operate/venues/{teahouse.pk}/scenes/")
    page.evaluate("window.linliMark = 'same page'")
    page.get_by_role("link", name="新建场景").click()
    form = page.locator("#scene-editor form")
    form.wait_for()
    page.fill("#id_name", "")
    page.fill("#id_description", "棋牌、休闲茶饮")
    page.check("input[name=kind][value=commercial]")
    page.fill("#id_starts", "18:00")
    page.fill("#id_ends", "22:00")
    page.get_by_role("button", name="保存场景").click()

    page.locator("#scene-editor .errorlist").first.wait_for()
    assert page.input_value("#id_description") == "棋牌、休闲茶饮"
    assert page.input_value("#id_starts") == "18:00"
    assert not Scene.objects.filter(kind="commercial").exists()

    page.fill("#id_name", "夜间棋牌")
    page.check("#id_all_rooms")
    page.get_by_role("button", name="保存场景").click()
    page.get_by_text("场景“夜间棋牌”已创建。").wait_for()
    assert page.evaluate("window.linliMark") == "same page"
    assert Scene.objects.filter(kind="commercial", name="夜间棋牌").exists()
