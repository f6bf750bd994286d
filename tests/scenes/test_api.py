import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine

from scenes.models import Scene
from tests.factories import RoomFactory, VenueFactory, make_scene, weekly_hours

SH = ZoneInfo("Asia/Shanghai")
T = dt.time
D = dt.date


def at(*args):
    return time_machine.travel(dt.datetime(*args, tzinfo=SH), tick=False)


@pytest.fixture
def teahouse(venue, room):
    weekly_hours(venue, T(9), T(22))
    make_scene(venue, description="品茶议事、兴趣课程")
    make_scene(venue, kind="commercial", starts=T(18), ends=T(22))
    return venue


def post(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


def patch(client, url, data):
    return client.patch(url, json.dumps(data), content_type="application/json")


def test_room_timeline_payload(anonymous, teahouse, room):
    response = anonymous.get(
        f"/api/rooms/{room.pk}/timeline", {"from": "2026-09-28", "to": "2026-09-29"}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["room_id"], body["from"], body["to"]) == (room.pk, "2026-09-28", "2026-09-29")
    assert body["time_zone"] == "Asia/Shanghai"
    assert [(s["start"], s["end"], s["state"]) for s in body["segments"]] == [
        ("2026-09-28T00:00:00+08:00", "2026-09-28T09:00:00+08:00", "closed"),
        ("2026-09-28T09:00:00+08:00", "2026-09-28T18:00:00+08:00", "scene"),
        ("2026-09-28T18:00:00+08:00", "2026-09-28T22:00:00+08:00", "scene"),
        ("2026-09-28T22:00:00+08:00", "2026-09-29T00:00:00+08:00", "closed"),
    ]
    day = body["segments"][1]
    assert day["scene"] == {
        "id": day["scene"]["id"],
        "name": "公益时段",
        "kind": "public",
        "kind_label": "公益时段",
        "description": "品茶议事、兴趣课程",
    }
    assert day["rules"]["price_per_hour_fen"] == 0
    assert day["rules"]["max_people_per_booking"] == 12
    assert body["segments"][2]["rules"]["price_per_hour_fen"] == 2000
    assert body["segments"][0]["scene"] is None
    assert body["segments"][0]["reason"] == "不在开放时间"


def test_timeline_range_is_limited(anonymous, teahouse, room):
    response = anonymous.get(
        f"/api/rooms/{room.pk}/timeline", {"from": "2026-09-01", "to": "2026-12-01"}
    )
    assert response.status_code == 422
    assert response.json() == {
        "code": "range_too_long",
        "message": "一次最多查询 62 天。",
        "fields": {"to": ["一次最多查询 62 天。"]},
    }
    backwards = anonymous.get(
        f"/api/rooms/{room.pk}/timeline", {"from": "2026-09-02", "to": "2026-09-01"}
    )
    assert backwards.json()["code"] == "invalid_range"
    bad = anonymous.get(f"/api/rooms/{room.pk}/timeline", {"from": "yesterday"})
    assert bad.status_code == 422
    assert bad.json()["fields"] == {"from": ["请输入有效日期（YYYY-MM-DD）。"]}


def test_timeline_of_a_missing_room_is_404(anonymous, db):
    response = anonymous.get("/api/rooms/999/timeline")
    assert (response.status_code, response.json()["code"]) == (404, "room_not_found")


@at(2026, 9, 28, 15, 0)
def test_venue_now_payload(anonymous, teahouse, room):
    cafe = RoomFactory(venue=teahouse, name="咖啡吧台", order=5)
    Scene.objects.filter(kind="public").update(all_rooms=False)
    Scene.objects.get(kind="public").rooms.set([room])
    make_scene(teahouse, kind="commercial", name="咖啡", rooms=[cafe], starts=T(9), ends=T(18))
    body = anonymous.get(f"/api/venues/{teahouse.pk}/now").json()
    assert body["is_open"] is True
    assert body["at"] == "2026-09-28T15:00:00+08:00"
    assert [(r["room_name"], r["is_open"], r["text"]) for r in body["rooms"]] == [
        ("议事茶亭", True, "现在：公益时段（至 18:00），之后：商业时段"),
        ("咖啡吧台", True, "现在：咖啡（至 18:00），之后：商业时段"),
    ]
    assert body["rooms"][0]["current"]["scene"]["name"] == "公益时段"
    assert body["rooms"][0]["next"]["start"] == "2026-09-28T18:00:00+08:00"
    assert body["text"] == "现在：公益时段（至 18:00），之后：商业时段"


@at(2026, 9, 28, 23, 0)
def test_venue_now_when_closed(anonymous, teahouse, room):
    body = anonymous.get(f"/api/venues/{teahouse.pk}/now").json()
    assert body["is_open"] is False
    assert body["rooms"][0]["text"] == "现在：未开放，明天 09:00 起：公益时段"
    assert body["rooms"][0]["current"]["state"] == "closed"


# --- operators -------------------------------------------------------------------------


@at(2026, 9, 28, 10, 0)
def test_operator_creates_a_scene_with_kind_defaults(operator_client, venue, room):
    weekly_hours(venue, T(9), T(21))
    response = post(
        operator_client,
        f"/api/venues/{venue.pk}/scenes",
        {
            "kind": "commercial",
            "name": "商业时段",
            "starts": "18:00",
            "ends": "22:00",
            "weekdays": [5, 6],
            "room_ids": [room.pk],
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["weekdays"] == [5, 6]
    assert body["room_ids"] == [room.pk]
    assert body["all_rooms"] is False
    assert body["valid_from"] == "2026-09-28"
    assert body["rules"]["price_per_hour_fen"] == 2000
    assert body["warnings"][:3] == [
        # The National Day break closes the venue; afterwards 21:00 cuts the scene short.
        "“商业时段”在 10月2日 不在开放时间内，未生效",
        "“商业时段”在 10月3日 不在开放时间内，未生效",
        "“商业时段”在 10月9日 超出开放时间，已截断",
    ]
    saved = Scene.objects.get(pk=body["id"])
    assert (saved.weekdays, saved.created_by.username) == (0b0110000, "wufu-operator")


def test_invalid_rules_are_422_with_field_errors(operator_client, venue):
    response = post(
        operator_client,
        f"/api/venues/{venue.pk}/scenes",
        {
            "kind": "public",
            "name": "公益时段",
            "starts": "18:00",
            "ends": "09:00",
            "weekdays": [],
            "price_per_hour_fen": 500,
        },
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "end_before_start"
    assert set(body["fields"]) == {"ends", "weekdays", "price_per_hour_fen"}
    assert Scene.objects.count() == 0


@at(2026, 11, 25, 10)
def test_a_one_off_scene_in_the_past_is_422_date_in_past(operator_client, venue, room):
    response = post(
        operator_client,
        f"/api/venues/{venue.pk}/scenes",
        {
            "kind": "public",
            "name": "补办",
            "starts": "09:00",
            "ends": "10:00",
            "one_off_date": "2026-11-24",
            "room_ids": [room.pk],
        },
    )
    assert response.status_code == 422
    message = "11月24日已经过去了（今天是11月25日），请选择今天或以后的日期。"
    assert response.json() == {
        "code": "date_in_past",
        "message": message,
        "fields": {"one_off_date": [message]},
    }
    assert Scene.objects.count() == 0


def test_bad_kind_is_422(operator_client, venue):
    response = post(
        operator_client,
        f"/api/venues/{venue.pk}/scenes",
        {"kind": "party", "name": "x", "starts": "09:00", "ends": "10:00"},
    )
    assert response.status_code == 422
    assert response.json()["fields"] == {"kind": ["请选择有效选项。"]}


def test_overlap_is_409_naming_both(operator_client, teahouse):
    response = post(
        operator_client,
        f"/api/venues/{teahouse.pk}/scenes",
        {"kind": "public", "name": "夜校", "starts": "20:00", "ends": "21:00", "weekdays": [5]},
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "scene_overlap"
    assert body["message"] == (
        "“夜校”与“商业时段”在 周五 20:00-21:00 重叠，请调整日期、时间或功能室。"
    )
    assert body["overlaps"][0]["name"] == "商业时段"


def test_patch_and_delete(operator_client, teahouse):
    evening = Scene.objects.get(kind="commercial")
    response = patch(
        operator_client,
        f"/api/scenes/{evening.pk}",
        {"ends": "21:30", "max_people_per_booking": 6, "valid_until": None},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["ends"] == "21:30:00"
    evening.refresh_from_db()
    assert (evening.ends, evening.max_people_per_booking) == (T(21, 30), 6)
    clash = patch(operator_client, f"/api/scenes/{evening.pk}", {"starts": "17:00"})
    assert clash.status_code == 409
    gone = operator_client.delete(f"/api/scenes/{evening.pk}")
    assert gone.status_code == 204
    assert not Scene.objects.filter(pk=evening.pk).exists()
    assert operator_client.delete(f"/api/scenes/{evening.pk}").status_code == 404


def test_list_scenes(operator_client, teahouse):
    body = operator_client.get(f"/api/venues/{teahouse.pk}/scenes").json()
    assert [(s["name"], s["starts"]) for s in body] == [
        ("公益时段", "09:00:00"),
        ("商业时段", "18:00:00"),
    ]


def test_writes_need_an_operator_of_that_venue(operator_client, other_client, anonymous, db):
    other = VenueFactory(name="别的场馆")
    evening = make_scene(other, kind="commercial", starts=T(18), ends=T(22))
    data = {"kind": "public", "name": "x", "starts": "09:00", "ends": "10:00"}
    assert post(anonymous, f"/api/venues/{other.pk}/scenes", data).status_code == 401
    denied = post(operator_client, f"/api/venues/{other.pk}/scenes", data)
    assert (denied.status_code, denied.json()["code"]) == (403, "not_venue_operator")
    assert patch(other_client, f"/api/scenes/{evening.pk}", {"name": "y"}).status_code == 403
    assert operator_client.delete(f"/api/scenes/{evening.pk}").status_code == 403
    assert operator_client.get(f"/api/venues/{other.pk}/scenes").status_code == 403
    assert Scene.objects.count() == 1


@at(2026, 10, 1, 10, 0)
def test_change_affecting_bookings_is_409_listing_them(operator_client, teahouse, room):
    from scenes.impact import ImpactItem, register_impact_provider, unregister_impact_provider

    item = ImpactItem(
        kind="booking",
        id=41,
        room_id=room.pk,
        starts_at=dt.datetime(2026, 10, 9, 19, tzinfo=SH),
        ends_at=dt.datetime(2026, 10, 9, 21, tzinfo=SH),
        label="10月9日 19:00-21:00 议事茶亭 · 张阿姨",
        reason="该时段将不再开放预约",
        resident_id=7,
    )
    kept = []
    register_impact_provider(
        "api-test",
        find=lambda change: [item],
        keep=lambda items, *, change, user: kept.extend(i.id for i in items),
        cancel=lambda items, *, change, user, message: None,
    )
    try:
        evening = Scene.objects.get(kind="commercial")
        asked = operator_client.delete(f"/api/scenes/{evening.pk}")
        assert asked.status_code == 409
        assert asked.json()["affected"] == [
            {
                "kind": "booking",
                "id": 41,
                "room_id": room.pk,
                "starts_at": "2026-10-09T19:00:00+08:00",
                "ends_at": "2026-10-09T21:00:00+08:00",
                "label": "10月9日 19:00-21:00 议事茶亭 · 张阿姨",
                "reason": "该时段将不再开放预约",
                "resident_id": 7,
            }
        ]
        assert Scene.objects.filter(pk=evening.pk).exists()
        kept_response = operator_client.delete(f"/api/scenes/{evening.pk}?on_conflict=keep")
        assert kept_response.status_code == 204
        assert kept == [41]
    finally:
        unregister_impact_provider("api-test")
