"""The API's error contract: every failure is JSON {code, message, fields}, never a 500 or HTML.

Each case here gave a 500, an HTML page or a body outside the contract before issue 7.
pytest-django runs with DEBUG=False, as production does.
"""

import datetime as dt
import json
import logging

import pytest
from django.test import Client

from scenes.models import Event, Scene
from spaces.models import OpeningException, OpeningHours, Room, Venue
from tests.test_i18n import compiled_catalogue  # noqa: F401  (the English catalogue)

pytestmark = pytest.mark.django_db

INVALID = "请更正以下错误。"
OUT_OF_RANGE = "日期超出支持的范围（1950-01-02 至 9990-12-31）。"
LOCAL_TIME = "请填写场馆当地时间（如 08:00），不要带时区。"


def send(client, method, url, data, **extra):
    return getattr(client, method)(url, json.dumps(data), content_type="application/json", **extra)


def invalid(fields: dict) -> dict:
    return {"code": "invalid", "message": INVALID, "fields": fields}


@pytest.fixture
def client():
    # Whatever escapes ninja would be re-raised by the test client: nothing may.
    return Client(raise_request_exception=True)


# --- numbers and ids beyond 64 bits --------------------------------------------------------


def test_a_community_id_beyond_64_bits_is_a_field_error(client):
    response = client.get("/api/venues", {"community": "99999999999999999999"})

    assert response.status_code == 422
    assert response.json() == invalid({"community": ["数值太大。"]})


def test_room_ids_beyond_64_bits_are_a_field_error_and_nothing_is_saved(operator_client, venue):
    response = send(
        operator_client,
        "post",
        f"/api/venues/{venue.pk}/scenes",
        {
            "kind": "public",
            "name": "晨练",
            "starts": "09:00",
            "ends": "12:00",
            "room_ids": [9223372036854775808],
        },
    )

    assert response.status_code == 422
    assert response.json() == invalid({"room_ids.0": ["数值太大。"]})
    assert not Scene.objects.exists()


def test_a_path_id_beyond_64_bits_is_a_field_error(client):
    response = client.get("/api/venues/9223372036854775808")

    assert response.status_code == 422
    assert response.json() == invalid({"venue_id": ["数值太大。"]})


# --- dates and times --------------------------------------------------------------------------


@pytest.mark.parametrize("start", ["1900-01-01", "9999-12-30"])
def test_a_timeline_outside_the_calendar_answers_like_the_hours_endpoint(client, room, start):
    timeline = client.get(f"/api/rooms/{room.pk}/timeline", {"from": start})
    hours = client.get(f"/api/venues/{room.venue_id}/hours", {"from": start, "to": "2026-01-01"})

    expected = {
        "code": "date_out_of_range",
        "message": OUT_OF_RANGE,
        "fields": {"from": [OUT_OF_RANGE]},
    }
    assert (timeline.status_code, timeline.json()) == (422, expected)
    assert (hours.status_code, hours.json()) == (422, expected)


def test_a_timeline_whose_default_week_runs_past_the_calendar_is_out_of_range(client, room):
    response = client.get(f"/api/rooms/{room.pk}/timeline", {"from": "9990-12-30"})

    assert response.status_code == 422
    assert response.json() == {"code": "date_out_of_range", "message": OUT_OF_RANGE, "fields": {}}


def test_an_event_in_the_last_hours_of_year_9999_is_out_of_range(operator_client, venue, room):
    response = send(
        operator_client,
        "post",
        f"/api/venues/{venue.pk}/events",
        {
            "room_id": room.pk,
            "title": "跨年",
            "capacity": 10,
            "starts_at": "9999-12-31T23:00+08:00",
            "ends_at": "9999-12-31T23:30+08:00",
        },
    )

    assert response.status_code == 422
    assert response.json() == {
        "code": "date_out_of_range",
        "message": OUT_OF_RANGE,
        "fields": {"starts_at": [OUT_OF_RANGE], "ends_at": [OUT_OF_RANGE]},
    }
    assert not Event.objects.exists()


def _zoned_time_requests(venue, room):
    return [
        (
            f"/api/venues/{venue.pk}/hours",
            "put",
            {"rules": [{"day": 0, "opens": "08:00+08:00", "closes": "18:00"}]},
            "rules.0.opens",
        ),
        (
            f"/api/rooms/{room.pk}/hours",
            "put",
            {"rules": [{"day": 0, "opens": "08:00", "closes": "09:00:00Z"}]},
            "rules.0.closes",
        ),
        (
            f"/api/venues/{venue.pk}/exceptions",
            "put",
            {
                "date": "2026-10-01",
                "reason": "活动",
                "intervals": [{"opens": "09:00:00Z", "closes": "12:00"}],
            },
            "intervals.0.opens",
        ),
        (
            f"/api/venues/{venue.pk}/scenes",
            "post",
            {"kind": "public", "name": "晨练", "starts": "08:00+08:00", "ends": "12:00"},
            "starts",
        ),
    ]


def test_times_with_a_zone_suffix_are_refused_everywhere_with_one_message(
    operator_client, venue, room
):
    for url, method, body, field in _zoned_time_requests(venue, room):
        response = send(operator_client, method, url, body)

        assert response.status_code == 422, url
        assert response.json() == {
            "code": "local_time_required",
            "message": LOCAL_TIME,
            "fields": {field: [LOCAL_TIME]},
        }, url
    assert not OpeningHours.objects.exists()
    assert not OpeningException.objects.exists()
    assert not Scene.objects.exists()


def test_a_scene_patch_with_a_zoned_time_changes_nothing(operator_client, venue):
    from tests.factories import make_scene

    scene = make_scene(venue)
    response = send(operator_client, "patch", f"/api/scenes/{scene.pk}", {"ends": "20:00Z"})

    assert response.json()["code"] == "local_time_required"
    scene.refresh_from_db()
    assert scene.ends == dt.time(18)


# --- nulls and duplicates -------------------------------------------------------------------


@pytest.mark.parametrize("field", ["accessibility", "description", "name", "latitude"])
def test_null_for_a_venue_field_that_cannot_be_cleared_is_a_field_error(
    operator_client, venue, field
):
    before = Venue.objects.values().get(pk=venue.pk)
    response = send(operator_client, "patch", f"/api/venues/{venue.pk}", {field: None})

    assert response.status_code == 422
    assert response.json() == invalid({field: ["此项不能为空。"]})
    assert Venue.objects.values().get(pk=venue.pk) == before


def test_null_for_a_room_field_is_a_field_error(operator_client, room):
    response = send(operator_client, "patch", f"/api/rooms/{room.pk}", {"capacity": None})

    assert response.status_code == 422
    assert response.json() == invalid({"capacity": ["此项不能为空。"]})


def test_a_duplicate_room_name_is_a_friendly_error_on_name(operator_client, venue, room):
    response = send(
        operator_client, "post", f"/api/venues/{venue.pk}/rooms", {"name": room.name, "capacity": 8}
    )

    assert response.status_code == 422
    message = "这个名称已被使用，请换一个。"
    assert response.json() == {
        "code": "duplicate",
        "message": message,
        "fields": {"name": [message]},
    }
    assert Room.objects.filter(venue=venue).count() == 1


def test_renaming_a_room_to_a_taken_name_is_the_same_error(operator_client, venue, room):
    from tests.factories import RoomFactory

    other = RoomFactory(venue=venue, name="书屋")
    response = send(operator_client, "patch", f"/api/rooms/{other.pk}", {"name": room.name})

    assert response.json()["code"] == "duplicate"
    assert list(response.json()["fields"]) == ["name"]
    other.refresh_from_db()
    assert other.name == "书屋"


# --- missing objects -----------------------------------------------------------------------


def test_a_missing_room_in_a_query_names_the_room_not_the_model(client, venue):
    response = client.get(
        f"/api/venues/{venue.pk}/hours", {"from": "2026-10-01", "to": "2026-10-02", "room": 999}
    )

    assert response.status_code == 404
    assert response.json() == {
        "code": "room_not_found",
        "message": "找不到该功能室。",
        "fields": {"room": ["找不到该功能室。"]},
    }


def test_a_room_of_another_venue_is_not_found_for_an_exception(operator_client, venue):
    from tests.factories import RoomFactory

    elsewhere = RoomFactory()
    response = send(
        operator_client,
        "put",
        f"/api/venues/{venue.pk}/exceptions",
        {"date": "2026-10-01", "reason": "检修", "room_id": elsewhere.pk},
    )

    assert response.status_code == 404
    assert response.json()["fields"] == {"room_id": ["找不到该功能室。"]}
    assert not OpeningException.objects.exists()


def test_a_missing_community_is_a_field_error(admin_client):
    response = send(
        admin_client,
        "post",
        "/api/venues",
        {
            "community_id": 999,
            "kind": "teahouse",
            "name": "新馆",
            "address": "一号",
            "latitude": 30.7,
            "longitude": 104.1,
        },
    )

    assert response.status_code == 404
    assert response.json() == {
        "code": "community_not_found",
        "message": "找不到该社区。",
        "fields": {"community_id": ["找不到该社区。"]},
    }


# --- routing, bodies and the unexpected -----------------------------------------------------


def test_an_unknown_api_path_is_a_json_404(client):
    response = client.post("/api/no-such-thing/", {"a": 1})

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "code": "not_found",
        "message": "找不到您要的内容。",
        "fields": {},
    }


def test_a_method_the_path_does_not_take_is_a_json_405(client, venue):
    response = client.post(f"/api/venues/{venue.pk}/now")

    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json() == {
        "code": "method_not_allowed",
        "message": "此地址不支持该请求方法。",
        "fields": {},
    }


def test_a_form_body_where_json_is_expected_is_415(operator_client, venue):
    response = operator_client.post(f"/api/venues/{venue.pk}/rooms", {"name": "x", "capacity": 2})

    assert response.status_code == 415
    assert response.json() == {
        "code": "unsupported_media_type",
        "message": "请以 JSON 格式提交（Content-Type: application/json）。",
        "fields": {},
    }
    assert not Room.objects.exists()


def test_unparseable_json_is_400(operator_client, venue):
    response = operator_client.post(
        f"/api/venues/{venue.pk}/rooms", "{name:", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_json",
        "message": "请求内容不是有效的 JSON。",
        "fields": {},
    }


def test_a_13_mb_body_is_413(operator_client, venue):
    body = json.dumps({"name": "x" * (13 * 1024 * 1024), "capacity": 2})
    response = operator_client.post(
        f"/api/venues/{venue.pk}/rooms", body, content_type="application/json"
    )

    assert response.status_code == 413
    assert response.json() == {
        "code": "payload_too_large",
        "message": "请求内容太大（上限 12 MB）。",
        "fields": {},
    }
    assert not Room.objects.exists()


def test_a_nul_character_is_a_field_error_not_a_database_error(operator_client, venue):
    response = send(
        operator_client, "post", f"/api/venues/{venue.pk}/rooms", {"name": "a\x00b", "capacity": 2}
    )
    query = operator_client.get("/api/venues", {"kind": "tea\x00house"})

    message = "内容中不能含有空字符（\\0）。"
    assert response.status_code == 422
    assert response.json() == {"code": "invalid", "message": message, "fields": {"name": [message]}}
    assert query.json() == {"code": "invalid", "message": message, "fields": {"kind": [message]}}
    assert not Room.objects.exists()


def test_an_unexpected_exception_is_a_logged_json_500(client, venue, monkeypatch, caplog, settings):
    settings.DEBUG = False

    def broken(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("spaces.selectors.venue_get", broken)
    with caplog.at_level(logging.ERROR, logger="linli.api"):
        response = client.get(f"/api/venues/{venue.pk}")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "code": "server_error",
        "message": "服务器出了点问题，请稍后再试。",
        "fields": {},
    }
    assert "disk on fire" in caplog.text


def test_errors_follow_accept_language(client, room, compiled_catalogue):  # noqa: F811
    response = client.get(
        f"/api/rooms/{room.pk}/timeline", {"from": "1900-01-01"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    malformed = client.get("/api/rooms/abc/timeline", HTTP_ACCEPT_LANGUAGE="en")

    english = "The date is outside the supported range (1950-01-02 to 9990-12-31)."
    assert response.json() == {
        "code": "date_out_of_range",
        "message": english,
        "fields": {"from": [english]},
    }
    assert malformed.json() == {
        "code": "invalid",
        "message": "Please correct the errors below.",
        "fields": {"room_id": ["Enter a whole number."]},
    }


# --- documentation ------------------------------------------------------------------------------


def test_the_openapi_schema_documents_each_operations_errors():
    from linli.api import api

    schema = api.get_openapi_schema(path_prefix="/api")
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}

    assert schema["components"]["schemas"]["ErrorOut"]["required"] == ["code", "message", "fields"]
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            responses = {int(status): body for status, body in operation["responses"].items()}
            expected = set()
            if operation.get("parameters") or "requestBody" in operation:
                expected |= {404, 422}
            if "requestBody" in operation:
                expected |= {400, 413, 415}
            if operation.get("security"):
                expected |= {401, 403}
            if method != "get":
                expected |= {403, 409}
            assert expected <= set(responses), (method, path)
            for status in expected:
                assert responses[status]["content"] == error, (method, path, status)
    otp = schema["paths"]["/api/accounts/otp/request"]["post"]["responses"]
    assert sorted(map(int, otp)) == [202, 400, 403, 404, 409, 413, 415, 422, 429, 503]
    patch = schema["paths"]["/api/venues/{venue_id}"]["patch"]["responses"]
    assert sorted(map(int, patch)) == [200, 400, 401, 403, 404, 409, 413, 415, 422]
