import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from scenes.models import Scene
from tests.factories import (
    RoomFactory,
    UserFactory,
    VenueFactory,
    VenueRoleFactory,
    make_scene,
    weekly_hours,
)

SH = ZoneInfo("Asia/Shanghai")
T = dt.time
D = dt.date
NOW = dt.datetime(2026, 9, 28, 15, 0, tzinfo=SH)  # a Monday


@pytest.fixture
def teahouse(venue, room):
    weekly_hours(venue, T(9), T(22))
    make_scene(venue)
    make_scene(venue, kind="commercial", starts=T(18), ends=T(22))
    return venue


def planner_url(venue):
    return f"/operate/venues/{venue.pk}/scenes/"


def form_data(**overrides):
    data = {
        "name": "晚间商业",
        "description": "棋牌、休闲",
        "kind": "commercial",
        "all_rooms": "on",
        "repeat": "weekly",
        "weekdays": ["5", "6"],
        "day_filter": "all",
        "starts": "18:00",
        "ends": "22:00",
        "valid_from": "2026-09-28",
        "week": "2026-09-28",
    }
    data.update(overrides)
    return data


@time_machine.travel(NOW, tick=False)
def test_planner_shows_the_week_with_blocks_by_kind(operator_client, teahouse, room):
    response = operator_client.get(planner_url(teahouse))
    assert response.status_code == 200
    html = response.content.decode()
    assert "场景安排" in html
    assert 'aria-current="page">场景安排' in html
    assert "9月28日–10月4日" in html
    assert "scene-block scene-public" in html
    assert "scene-block scene-commercial" in html
    # National Day (10-01) closes the venue (holiday policy "closed"); the notes say so.
    assert "国庆节" in html
    assert "“公益时段”在 10月1日 不在开放时间内，未生效" in html
    # On a 09:00-22:00 axis: 09:00-18:00 is the top 9/13 of a day column.
    assert 'data-top="0.0" data-height="69.231"' in html
    assert "style=" not in html


def test_planner_permissions(client, venue, db):
    url = planner_url(venue)
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/staff/sign-in/")
    elsewhere = UserFactory(username="other-operator", is_staff=True)
    VenueRoleFactory(user=elsewhere, venue=VenueFactory(name="别的场馆"))
    client.force_login(elsewhere)
    assert client.get(url).status_code == 403
    assert client.post(url, form_data()).status_code == 403
    assert Scene.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_create_without_javascript_redirects_with_a_message(operator_client, venue, room):
    weekly_hours(venue, T(9), T(21))
    response = operator_client.post(planner_url(venue), form_data())
    assert response.status_code == 302
    assert response["Location"] == f"/operate/venues/{venue.pk}/scenes/?week=2026-09-28"
    created = Scene.objects.get()
    assert (created.kind, created.weekdays, created.price_per_hour_fen) == ("commercial", 48, 2000)
    assert created.description == "棋牌、休闲"
    page = operator_client.get(response["Location"]).content.decode()
    assert "场景“晚间商业”已创建。" in page
    assert "“晚间商业”在 10月2日 不在开放时间内，未生效" in page


@time_machine.travel(NOW, tick=False)
def test_form_rerenders_with_errors_keeping_input(operator_client, venue, room):
    response = operator_client.post(
        planner_url(venue),
        form_data(
            kind="public", price_yuan="12.50", weekdays=[], min_duration_minutes="90", name="夜校"
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "公益时段不能收费，价格须为 0。" in html
    assert "请至少选择一天。" in html
    assert 'value="夜校"' in html
    assert 'value="12.50"' in html
    assert 'value="90"' in html
    assert '<details class="scene-rules" open>' in html
    assert Scene.objects.count() == 0


@time_machine.travel(NOW, tick=False)
def test_overlap_is_shown_inline_in_the_htmx_editor(operator_client, teahouse):
    response = operator_client.post(
        planner_url(teahouse),
        form_data(kind="public", name="夜校", starts="20:00", ends="21:00"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="scene-editor",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "“夜校”与“商业时段”在 周五 20:00-21:00 重叠" in html
    assert 'value="夜校"' in html
    assert Scene.objects.count() == 2


@time_machine.travel(NOW, tick=False)
def test_htmx_save_rerenders_the_planner(operator_client, venue, room):
    weekly_hours(venue, T(9), T(21))
    response = operator_client.post(
        planner_url(venue),
        form_data(week="2026-10-05"),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="scene-editor",
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#scene-planner"
    html = response.content.decode()
    assert "<html" not in html
    assert "场景“晚间商业”已创建。" in html
    assert "scene-block scene-commercial" in html
    assert "“晚间商业”在 10月9日 超出开放时间，已截断" in html


@time_machine.travel(NOW, tick=False)
def test_editor_opens_in_place_and_edits(operator_client, teahouse):
    evening = Scene.objects.get(kind="commercial")
    response = operator_client.get(
        planner_url(teahouse),
        {"edit": evening.pk, "week": "2026-09-28"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="scene-editor",
    )
    html = response.content.decode()
    assert "<html" not in html
    assert "编辑场景“商业时段”" in html
    assert 'value="20.00"' in html
    data = form_data(name="商业时段", starts="18:00", ends="21:30", all_rooms="on")
    data["price_yuan"] = "25"
    response = operator_client.post(f"{planner_url(teahouse)}{evening.pk}/", data)
    assert response.status_code == 302
    evening.refresh_from_db()
    assert (evening.ends, evening.price_per_hour_fen, evening.weekdays) == (T(21, 30), 2500, 48)


@time_machine.travel(NOW, tick=False)
def test_delete_from_the_planner(operator_client, teahouse):
    evening = Scene.objects.get(kind="commercial")
    url = f"{planner_url(teahouse)}{evening.pk}/"
    asked = operator_client.post(url, {"action": "delete"})
    assert asked.status_code == 200
    assert f"确定删除场景“{evening.name}”吗？删除后无法恢复。" in asked.content.decode()
    assert '<input type="hidden" name="confirm" value="yes">' in asked.content.decode()
    assert Scene.objects.filter(pk=evening.pk).exists()
    response = operator_client.post(url, {"action": "delete", "confirm": "yes"})
    assert response.status_code == 302
    assert not Scene.objects.filter(pk=evening.pk).exists()


def test_scene_of_another_venue_is_404(operator_client, venue):
    foreign = make_scene(VenueFactory(name="别的场馆"))
    response = operator_client.post(f"{planner_url(venue)}{foreign.pk}/", {"action": "delete"})
    assert response.status_code == 404
    assert Scene.objects.filter(pk=foreign.pk).exists()


@time_machine.travel(NOW, tick=False)
def test_new_form_is_prefilled_from_the_grid(operator_client, teahouse, room):
    html = operator_client.get(
        planner_url(teahouse),
        {"new": "1", "date": "2026-10-02", "room": room.pk, "start": "18:00"},
    ).content.decode()
    assert "新建场景" in html
    assert 'name="starts" value="18:00"' in html
    assert 'name="valid_from" value="2026-10-02"' in html
    assert f'value="{room.pk}" id="id_rooms_0" checked' in html


@time_machine.travel(NOW, tick=False)
def test_resident_venue_page_shows_now_line_and_week_strip(anonymous, teahouse, room):
    cafe = RoomFactory(venue=teahouse, name="咖啡吧台", order=9)
    make_scene(
        teahouse,
        kind="commercial",
        name="咖啡吧台",
        rooms=[cafe],
        starts=T(0),
        ends=T(0),
        overnight=True,
    )
    Scene.objects.filter(name="公益时段").update(all_rooms=False)
    Scene.objects.get(name="公益时段").rooms.set([room])
    Scene.objects.filter(name="商业时段").update(all_rooms=False)
    Scene.objects.get(name="商业时段").rooms.set([room])
    RoomFactory(venue=teahouse, name="长者空间", order=1)
    Scene.objects.get(name="公益时段").rooms.add(*teahouse.rooms.filter(name="长者空间"))
    Scene.objects.get(name="商业时段").rooms.add(*teahouse.rooms.filter(name="长者空间"))
    html = anonymous.get(f"/venues/{teahouse.pk}/").content.decode()
    assert "现在：公益时段（至 18:00），之后：商业时段" in html
    assert "<strong>咖啡吧台</strong>：现在：咖啡吧台（至 22:00），之后：闭馆" in html
    # The day's scenes sit under that day's hours: one block for the week, not two.
    assert "本周场景" not in html
    assert html.count('class="scene-legend vh-legend"') == 1
    today = html.split('data-date="2026-09-28"', 1)[1].split("</li>", 1)[0]
    assert "09:00–22:00" in today
    assert "09:00-18:00 公益时段" in today
    assert "18:00-22:00 商业时段" in today
    assert "js/planner.js" in html
    assert "style=" not in html


def test_venue_without_scenes_shows_no_scene_panels(anonymous, venue, room):
    weekly_hours(venue, T(9), T(21))
    html = anonymous.get(f"/venues/{venue.pk}/").content.decode()
    assert "scene-legend" not in html
    assert "vh-scenes" not in html
    assert "现在：" not in html


def test_cancel_closes_the_htmx_editor(operator_client, venue):
    response = operator_client.get(
        planner_url(venue), {"close": "1"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="scene-editor"
    )
    assert (response.status_code, response.content) == (200, b"")


@pytest.mark.parametrize("bad", ["abc", "", "-1", "99999999999999999999", "987654321"])
def test_the_planner_answers_a_malformed_or_missing_scene_to_edit_with_404(
    operator_client, venue, bad
):
    response = operator_client.get(planner_url(venue), {"edit": bad or " "})
    assert response.status_code == 404


def test_the_planner_ignores_a_malformed_room_for_a_new_scene(operator_client, venue):
    response = operator_client.get(planner_url(venue), {"new": "1", "room": "99999999999999999999"})
    assert response.status_code == 200


@pytest.mark.parametrize("venue_filter", ["abc", "99999999999999999999", "-1"])
def test_the_events_list_ignores_a_malformed_venue_filter(anonymous, venue, venue_filter):
    response = anonymous.get("/events/", {"venue": venue_filter})
    assert response.status_code == 200
    assert response.context["filters"].venue is None


# --- the scene form: explicit rooms, one repeat group, plain messages ------------------


def _scene_form_errors(response) -> str:
    assert response.status_code == 200
    assert not Scene.objects.filter(name="晚间商业").exists()
    return response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_a_new_scene_ticks_no_room_and_one_ticked_room_means_that_room_only(
    operator_client, venue, room
):
    reading_room = RoomFactory(venue=venue, name="社区书屋")
    html = operator_client.get(planner_url(venue), {"new": "1"}).content.decode()
    assert 'name="all_rooms" id="id_all_rooms">' in html  # not checked
    assert " checked" not in html.split('name="rooms"')[1].split("</fieldset>")[0]
    data = form_data(rooms=[str(reading_room.pk)])
    del data["all_rooms"]
    response = operator_client.post(planner_url(venue), data)
    assert response.status_code == 302
    scene = Scene.objects.get(name="晚间商业")
    assert scene.all_rooms is False
    assert list(scene.rooms.all()) == [reading_room]


@time_machine.travel(NOW, tick=False)
def test_all_rooms_and_some_rooms_at_once_is_asked_back(operator_client, venue, room):
    html = _scene_form_errors(
        operator_client.post(planner_url(venue), form_data(rooms=[str(room.pk)]))
    )
    assert "请只选一种：勾选“全部功能室”，或者只勾选具体的功能室。" in html


@time_machine.travel(NOW, tick=False)
def test_no_room_chosen_says_to_choose(operator_client, venue, room):
    data = form_data()
    del data["all_rooms"]
    html = _scene_form_errors(operator_client.post(planner_url(venue), data))
    assert "请选择适用的功能室，或选择全部功能室。" in html


@time_machine.travel(NOW, tick=False)
def test_only_the_chosen_repeat_group_is_read(operator_client, venue, room):
    # "仅一天": the weekly fields (hidden by JavaScript) may hold anything.
    once = form_data(
        repeat="once",
        one_off_date="2026-10-03",
        valid_from="不是日期",
        valid_until="2026-01-01",
        weekdays=[],
        day_filter="",
    )
    assert operator_client.post(planner_url(venue), once).status_code == 302
    scene = Scene.objects.get(name="晚间商业")
    assert (scene.one_off_date, scene.valid_from, scene.valid_until) == (
        D(2026, 10, 3),
        D(2026, 10, 3),
        D(2026, 10, 3),
    )
    # "每周重复": a leftover one-off date is ignored.
    weekly = form_data(name="周末", one_off_date="乱填", starts="09:00", ends="10:00")
    assert operator_client.post(planner_url(venue), weekly).status_code == 302
    scene = Scene.objects.get(name="周末")
    assert (scene.one_off_date, scene.weekdays) == (None, 48)


@time_machine.travel(NOW, tick=False)
def test_the_form_groups_the_repeat_fields_for_the_script(operator_client, venue):
    html = operator_client.get(planner_url(venue), {"new": "1"}).content.decode()
    weekly = html.split('data-repeat="weekly"')[1].split('data-repeat="once"')[0]
    assert 'name="weekdays"' in weekly and 'name="valid_from"' in weekly
    assert 'name="one_off_date"' not in weekly
    assert 'name="one_off_date"' in html.split('data-repeat="once"')[1]
    assert '<label for="id_repeat_1"><input type="radio" name="repeat" value="once"' in html
    assert "仅一天" in html


@time_machine.travel(NOW, tick=False)
def test_a_one_off_scene_in_the_past_is_refused_next_to_its_date(operator_client, venue, room):
    html = _scene_form_errors(
        operator_client.post(
            planner_url(venue), form_data(repeat="once", one_off_date="2026-09-27")
        )
    )
    assert "9月27日已经过去了（今天是9月28日），请选择今天或以后的日期。" in html
    assert 'value="2026-09-27"' in html


@time_machine.travel(NOW, tick=False)
def test_the_scene_form_says_what_is_missing_in_plain_words(operator_client, venue, room):
    html = _scene_form_errors(
        operator_client.post(
            planner_url(venue),
            form_data(name="", starts="", slot_minutes="五", min_duration_minutes="0"),
        )
    )
    assert "请填写名称。" in html
    assert "请填写开始时间。" in html
    assert "时段粒度（分钟）请填写整数，例如 10。" in html
    assert "最短时长（分钟）至少为 1。" in html
    assert "这个字段是必填项" not in html
    assert "确保该值" not in html


# --- the planner on a phone: one day, rooms as rows -------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_day_view_shows_today_with_rooms_as_rows(operator_client, teahouse, room):
    RoomFactory(venue=teahouse, name="社区书屋", order=9)
    html = operator_client.get(planner_url(teahouse)).content.decode()
    day_view = html.split('class="scene-dayview"')[1].split('class="scene-weekview"')[0]
    assert "9月28日 周一 · 今天" in day_view
    assert '<a href="?day=2026-09-28" hx-get="?day=2026-09-28"' in day_view
    assert 'aria-current="date">周一<br>28</a>' in day_view
    assert '<a class="button" href="?day=2026-09-27"' in day_view  # 前一天: last week's Sunday
    assert '<a class="button" href="?day=2026-09-29"' in day_view
    rooms = day_view.split('class="scene-dayroom"')[1:]
    assert [r.split("<h3>")[1].split("</h3>")[0] for r in rooms] == ["议事茶亭", "社区书屋"]
    assert "09:00-18:00</span> <strong>公益时段" in rooms[0]
    assert "18:00-22:00</span> <strong>商业时段" in rooms[0]


@time_machine.travel(NOW, tick=False)
def test_the_day_view_follows_the_day_link_across_weeks(operator_client, teahouse):
    html = operator_client.get(planner_url(teahouse), {"day": "2026-10-01"}).content.decode()
    assert "9月28日–10月4日" in html
    day_view = html.split('class="scene-dayview"')[1].split('class="scene-weekview"')[0]
    assert "10月1日 周四" in day_view and "今天" not in day_view
    assert "国庆节" in day_view  # the holiday, and the closed day, are said
    assert "闭馆" in day_view
    nxt = operator_client.get(planner_url(teahouse), {"day": "2026-10-05"}).content.decode()
    assert "10月5日–10月11日" in nxt
    assert 'hx-push-url="true" aria-current="date" class="scene-rest">周一<br>5</a>' in nxt


@time_machine.travel(NOW, tick=False)
def test_the_day_view_comes_back_alone_for_htmx_and_ignores_a_bad_day(operator_client, teahouse):
    response = operator_client.get(
        planner_url(teahouse),
        {"day": "2026-09-30"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="scene-planner",
    )
    html = response.content.decode()
    assert "<html" not in html and 'aria-current="date">周三<br>30</a>' in html
    bad = operator_client.get(planner_url(teahouse), {"day": "昨天"}).content.decode()
    assert 'aria-current="date">周一<br>28</a>' in bad


@time_machine.travel(NOW, tick=False)
def test_after_a_save_the_phone_is_back_on_its_day(operator_client, venue, room):
    html = operator_client.get(
        planner_url(venue), {"day": "2026-10-02", "new": "1"}
    ).content.decode()
    assert '<input type="hidden" name="day" value="2026-10-02">' in html
    response = operator_client.post(planner_url(venue), form_data(day="2026-10-02"))
    assert response["Location"] == (
        f"/operate/venues/{venue.pk}/scenes/?week=2026-09-28&day=2026-10-02"
    )
