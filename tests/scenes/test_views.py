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
