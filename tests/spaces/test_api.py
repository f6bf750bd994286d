import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine

from spaces.models import OpeningException, OpeningHours, Room
from tests.factories import RoomFactory, VenueFactory, weekly_hours

SH = ZoneInfo("Asia/Shanghai")


def at(*args):
    return time_machine.travel(dt.datetime(*args, tzinfo=SH), tick=False)


@pytest.fixture
def three_venues(db):
    near = VenueFactory(name="近", latitude=30.7050, longitude=104.0920, kind="teahouse")
    mid = VenueFactory(name="中", latitude=30.7150, longitude=104.0920, kind="reading_room")
    far = VenueFactory(name="远", latitude=30.8050, longitude=104.0920, kind="teahouse")
    weekly_hours(near, dt.time(9), dt.time(21))
    weekly_hours(far, dt.time(9), dt.time(21))
    weekly_hours(mid, dt.time(14), dt.time(18))
    return near, mid, far


@at(2026, 11, 24, 10, 0)
def test_venues_are_sorted_by_distance_with_distance_m(anonymous, three_venues):
    response = anonymous.get("/api/venues", {"near": "30.7040,104.0920"})
    assert response.status_code == 200
    body = response.json()
    assert [v["name"] for v in body] == ["近", "中", "远"]
    assert body[0]["distance_m"] == pytest.approx(110.9, abs=1.0)
    assert body[2]["distance_m"] == pytest.approx(11200, rel=0.01)


@at(2026, 11, 24, 10, 0)
def test_venues_filter_by_kind_and_open_now(anonymous, three_venues):
    body = anonymous.get("/api/venues", {"kind": "teahouse"}).json()
    assert sorted(v["name"] for v in body) == ["近", "远"]
    body = anonymous.get("/api/venues", {"open_now": "true"}).json()
    assert sorted(v["name"] for v in body) == ["近", "远"]
    assert body[0]["status"]["is_open"] is True
    assert body[0]["distance_m"] is None


def test_a_bad_near_parameter_is_a_422_with_a_field_message(anonymous, db):
    response = anonymous.get("/api/venues", {"near": "north,east"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_near"


@at(2026, 11, 24, 10, 0)
def test_venue_detail_has_rooms_status_and_map_links(anonymous, venue, room):
    weekly_hours(venue)
    body = anonymous.get(f"/api/venues/{venue.pk}").json()
    assert body["name"] == "五福茶馆"
    assert [r["name"] for r in body["rooms"]] == ["议事茶亭"]
    assert body["rooms"][0]["capacity"] == 12
    assert body["status"]["is_open"] is True
    assert body["status"]["label"] == "开放中 · 21:00 关门"
    assert body["map_links"]["amap"].startswith("https://uri.amap.com/marker?")
    assert body["map_links"]["baidu"].startswith("https://api.map.baidu.com/marker?")


def test_unknown_venue_is_404_with_code(anonymous, db):
    response = anonymous.get("/api/venues/999")
    assert response.status_code == 404
    assert response.json()["code"] == "venue_not_found"


def test_hours_across_national_day(anonymous, venue):
    weekly_hours(venue, dt.time(9), dt.time(21))
    response = anonymous.get(
        f"/api/venues/{venue.pk}/hours", {"from": "2026-09-30", "to": "2026-10-02"}
    )
    assert response.status_code == 200
    days = response.json()["days"]
    assert days[0]["date"] == "2026-09-30"
    assert days[0]["intervals"] == [
        {"start": "2026-09-30T09:00:00+08:00", "end": "2026-09-30T21:00:00+08:00"}
    ]
    assert days[1]["date"] == "2026-10-01"
    assert days[1]["intervals"] == []
    assert days[1]["label"]  # the holiday's name


def test_hours_range_is_validated(anonymous, venue):
    url = f"/api/venues/{venue.pk}/hours"
    assert anonymous.get(url, {"from": "2026-10-02", "to": "2026-10-01"}).json()["code"] == (
        "invalid_range"
    )
    assert anonymous.get(url, {"from": "2026-01-01", "to": "2027-01-01"}).json()["code"] == (
        "range_too_long"
    )
    response = anonymous.get(url, {"from": "yesterday", "to": "2026-10-01"})
    assert response.status_code == 422
    assert response.json()["fields"]["from"] == ["请输入有效日期（YYYY-MM-DD）。"]


def test_operator_updates_own_venue_but_not_another(operator_client, venue):
    other = VenueFactory(name="别人的")
    ok = operator_client.patch(
        f"/api/venues/{venue.pk}",
        json.dumps({"contact_phone": "028-83331234"}),
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["contact_phone"] == "028-83331234"
    denied = operator_client.patch(
        f"/api/venues/{other.pk}", json.dumps({"name": "x"}), content_type="application/json"
    )
    assert denied.status_code == 403
    assert denied.json()["code"] == "not_venue_operator"


def test_writes_require_authentication(anonymous, venue):
    response = anonymous.post(
        f"/api/venues/{venue.pk}/rooms",
        json.dumps({"name": "新", "capacity": 3}),
        content_type="application/json",
    )
    assert response.status_code == 401
    assert not Room.objects.filter(name="新").exists()


def test_operator_sets_weekly_hours_and_gets_field_errors(operator_client, venue):
    url = f"/api/venues/{venue.pk}/hours"
    bad = operator_client.put(
        url,
        json.dumps({"rules": [{"day": 0, "opens": "21:00", "closes": "09:00"}]}),
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad.json()["code"] == "close_before_open"
    assert "rules.0" in bad.json()["fields"]
    good = operator_client.put(
        url,
        json.dumps(
            {
                "rules": [
                    {"day": 4, "opens": "18:00", "closes": "02:00", "overnight": True},
                    {"day": 7, "opens": "10:00", "closes": "16:00"},
                ]
            }
        ),
        content_type="application/json",
    )
    assert good.status_code == 200, good.content
    assert OpeningHours.objects.filter(venue=venue).count() == 2


@time_machine.travel(dt.datetime(2026, 11, 20, 10, 0, tzinfo=SH), tick=False)
def test_operator_sets_and_deletes_an_exception(operator_client, venue, room):
    url = f"/api/venues/{venue.pk}/exceptions"
    response = operator_client.put(
        url,
        json.dumps({"date": "2026-12-02", "reason": "设备检修", "room_id": room.pk}),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "date": "2026-12-02",
        "room_id": room.pk,
        "reason": "设备检修",
        "intervals": [],
    }
    assert OpeningException.objects.get().room == room
    gone = operator_client.delete(f"{url}/2026-12-02?room={room.pk}")
    assert gone.status_code == 204
    assert not OpeningException.objects.exists()


@time_machine.travel(dt.datetime(2026, 11, 25, 10, 0, tzinfo=SH), tick=False)
def test_an_exception_in_the_past_is_refused(operator_client, venue):
    response = operator_client.put(
        f"/api/venues/{venue.pk}/exceptions",
        json.dumps({"date": "2026-11-24", "reason": "设备检修"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json() == {
        "code": "date_in_past",
        "message": "11月24日已经过去了（今天是11月25日），请选择今天或以后的日期。",
        "fields": {"date": ["11月24日已经过去了（今天是11月25日），请选择今天或以后的日期。"]},
    }
    assert not OpeningException.objects.exists()


def test_room_crud_by_operator(operator_client, venue):
    created = operator_client.post(
        f"/api/venues/{venue.pk}/rooms",
        json.dumps({"name": "服务驿站", "capacity": 8, "amenities": ["饮水机"]}),
        content_type="application/json",
    )
    assert created.status_code == 201
    room_id = created.json()["id"]
    patched = operator_client.patch(
        f"/api/rooms/{room_id}", json.dumps({"capacity": 0}), content_type="application/json"
    )
    assert patched.status_code == 422
    assert Room.objects.get(pk=room_id).capacity == 8
    assert operator_client.delete(f"/api/rooms/{room_id}").status_code == 204
    assert not Room.objects.filter(pk=room_id).exists()


def test_another_venues_room_is_not_writable(operator_client, venue):
    foreign = RoomFactory()
    response = operator_client.patch(
        f"/api/rooms/{foreign.pk}", json.dumps({"capacity": 3}), content_type="application/json"
    )
    assert response.status_code == 403


def test_room_hours_say_closed_days_apart_from_following_the_venue(operator_client, room):
    url = f"/api/rooms/{room.pk}/hours"
    response = operator_client.put(
        url,
        json.dumps(
            {
                "rules": [
                    {"day": 0, "opens": "14:00", "closes": "18:00"},
                    {"day": 7, "closed": True},
                ]
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json() == [
        {"day": 0, "opens": "14:00:00", "closes": "18:00:00", "overnight": False, "closed": False},
        {"day": 7, "opens": None, "closes": None, "overnight": False, "closed": True},
    ]
    both = operator_client.put(
        url,
        json.dumps(
            {"rules": [{"day": 1, "closed": True}, {"day": 1, "opens": "09:00", "closes": "12:00"}]}
        ),
        content_type="application/json",
    )
    assert both.status_code == 422
    assert both.json()["code"] == "closed_day_has_hours"


def test_hours_that_close_a_published_event_answer_409_then_keep(
    operator_client, venue, published_event
):
    from scenes.models import Event

    event = published_event
    url = f"/api/venues/{venue.pk}/hours"
    rules = [{"day": d, "opens": "09:00", "closes": "18:00"} for d in range(7)]
    asked = operator_client.put(url, json.dumps({"rules": rules}), content_type="application/json")
    assert asked.status_code == 409
    body = asked.json()
    assert body["code"] == "hours_affect_bookings"
    assert [(i["kind"], i["id"]) for i in body["affected"]] == [("event", event.pk)]
    assert set(OpeningHours.objects.values_list("closes", flat=True)) == {dt.time(21)}
    kept = operator_client.put(
        url,
        json.dumps({"rules": rules, "on_conflict": "keep"}),
        content_type="application/json",
    )
    assert kept.status_code == 200
    assert set(OpeningHours.objects.values_list("closes", flat=True)) == {dt.time(18)}
    assert Event.objects.get(pk=event.pk).status == "published"


def test_deleting_a_room_with_a_published_event_answers_409_then_cancels(
    operator_client, room, published_event
):
    event = published_event
    asked = operator_client.delete(f"/api/rooms/{room.pk}")
    assert asked.status_code == 409
    assert asked.json()["code"] == "room_affects_bookings"
    assert [i["id"] for i in asked.json()["affected"]] == [event.pk]
    assert Room.objects.filter(pk=room.pk).exists()
    done = operator_client.delete(f"/api/rooms/{room.pk}?on_conflict=cancel")
    assert done.status_code == 204
    assert not Room.objects.filter(pk=room.pk).exists()


def test_hours_of_an_unannounced_year_are_provisional_by_law(anonymous, venue):
    weekly_hours(venue, dt.time(9), dt.time(21))  # the venue closes on public holidays
    response = anonymous.get(
        f"/api/venues/{venue.pk}/hours", {"from": "2027-09-30", "to": "2027-10-02"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["notes"] == ["2027年安排尚未公布，以下按法定节日暂定。"]
    assert [
        (d["date"], d["kind"], d["label"], d["intervals"] == [], d["announced"])
        for d in body["days"]
    ] == [
        ("2027-09-30", "regular", None, False, False),
        ("2027-10-01", "holiday", "国庆节", True, False),
    ]
    announced = anonymous.get(
        f"/api/venues/{venue.pk}/hours", {"from": "2026-09-30", "to": "2026-10-01"}
    )
    assert announced.json()["notes"] == []
