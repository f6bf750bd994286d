"""Every API operation that takes an id in its path, with a missing, a foreign and a malformed
one (the healthchecks habit: test_it_handles_missing_*).

The operations are enumerated from the OpenAPI schema; an endpoint added without a row in
OPERATIONS fails ``test_every_operation_with_an_id_is_covered``.

- missing: an id no object has: 404 with the code and message naming what is missing;
- foreign: an object at a venue the caller does not run, or a group they do not lead: 403
  for operator and leader actions, and the ordinary answer for public reads;
- malformed: "abc", 0 and 2**63: 422 with the parameter as the field.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from linli.api import api
from tests.api_world import World, build_world

pytestmark = pytest.mark.django_db

MISSING_ID = 2**62
NOT_FOUND = {
    "venue_id": ("venue_not_found", "找不到该场馆。"),
    "room_id": ("room_not_found", "找不到该功能室。"),
    "scene_id": ("scene_not_found", "场景不存在或已被删除。"),
    "event_id": ("event_not_found", "找不到该活动。"),
    "group_id": ("group_not_found", "找不到该自组织。"),
    "approval_id": ("approval_not_found", "找不到该审核申请。"),
    "photo_id": ("photo_not_found", "找不到该照片。"),
    "invitation_id": ("invitation_not_found", "找不到该邀请，可能已过期或已处理。"),
    "series_id": ("series_not_found", "找不到这个预约系列。"),
    "booking_id": ("booking_not_found", "找不到这个预约。"),
}
# Unguessable public ids (strings): any text may name one, so nothing is malformed, only
# missing.
PUBLIC_IDS = {"series_id", "booking_id"}
FORBIDDEN = 403


def _jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "JPEG")
    return SimpleUploadedFile("x.jpg", buffer.getvalue(), "image/jpeg")


@dataclass
class Op:
    caller: str  # "anonymous", "resident" or "operator"
    foreign: int  # the status for a foreign object
    body: Callable[[World, bool], dict] | None = None  # (world, foreign) -> JSON body
    query: dict = field(default_factory=dict)
    multipart: bool = False
    code: str = "not_venue_operator"  # the code of a refused foreign call


def room_body(world: World, foreign: bool) -> dict:
    return {"name": "新活动室", "capacity": 8}


def event_body(world: World, foreign: bool) -> dict:
    room = world.foreign["room"] if foreign else world.room
    starts = world.event.starts_at.isoformat()
    ends = world.event.ends_at.isoformat()
    return {
        "room_id": room.pk,
        "title": "新活动",
        "capacity": 5,
        "starts_at": starts,
        "ends_at": ends,
    }


OPERATIONS = {
    "GET /api/venues/{venue_id}": Op("anonymous", 200),
    "PATCH /api/venues/{venue_id}": Op("operator", FORBIDDEN, lambda w, f: {"description": "新"}),
    "GET /api/venues/{venue_id}/hours": Op(
        "anonymous", 200, query={"from": "2026-10-01", "to": "2026-10-02"}
    ),
    "PUT /api/venues/{venue_id}/hours": Op("operator", FORBIDDEN, lambda w, f: {"rules": []}),
    "POST /api/venues/{venue_id}/rooms": Op("operator", FORBIDDEN, room_body),
    "PATCH /api/rooms/{room_id}": Op("operator", FORBIDDEN, lambda w, f: {"capacity": 5}),
    "DELETE /api/rooms/{room_id}": Op("operator", FORBIDDEN),
    "PUT /api/rooms/{room_id}/hours": Op("operator", FORBIDDEN, lambda w, f: {"rules": []}),
    "PUT /api/venues/{venue_id}/exceptions": Op(
        "operator", FORBIDDEN, lambda w, f: {"date": "2026-10-01", "reason": "检修"}
    ),
    "DELETE /api/venues/{venue_id}/exceptions/{date}": Op("operator", FORBIDDEN),
    "POST /api/venues/{venue_id}/photos": Op("operator", FORBIDDEN, multipart=True),
    "DELETE /api/photos/{photo_id}": Op("operator", FORBIDDEN),
    "GET /api/rooms/{room_id}/timeline": Op("anonymous", 200),
    "GET /api/venues/{venue_id}/now": Op("anonymous", 200),
    "GET /api/venues/{venue_id}/scenes": Op("operator", FORBIDDEN),
    "POST /api/venues/{venue_id}/scenes": Op(
        "operator",
        FORBIDDEN,
        lambda w, f: {"kind": "closed", "name": "检修", "starts": "10:00", "ends": "11:00"},
    ),
    "PATCH /api/scenes/{scene_id}": Op("operator", FORBIDDEN, lambda w, f: {"description": "新"}),
    "DELETE /api/scenes/{scene_id}": Op("operator", FORBIDDEN),
    "GET /api/venues/{venue_id}/events": Op("anonymous", 200),
    "POST /api/venues/{venue_id}/events": Op("operator", FORBIDDEN, event_body),
    "GET /api/events/{event_id}": Op("anonymous", 200),
    "POST /api/events/{event_id}/cancel": Op("operator", FORBIDDEN, lambda w, f: {"reason": "雨"}),
    # Any resident may take a seat at any venue: "foreign" is simply another venue's event.
    "POST /api/events/{event_id}/registrations": Op("resident", 201),
    "DELETE /api/events/{event_id}/registrations/me": Op("resident", 404, code="not_registered"),
    "POST /api/groups/{group_id}/approvals": Op(
        "resident", FORBIDDEN, lambda w, f: {"venue_id": w.venue.pk}, code="not_group_leader"
    ),
    "POST /api/groups/{group_id}/invitations": Op(
        "resident", FORBIDDEN, lambda w, f: {"phones": ["13700000104"]}, code="not_group_leader"
    ),
    "POST /api/groups/{group_id}/invite-code": Op("resident", FORBIDDEN, code="not_group_leader"),
    # An invitation to someone else's number is not found: it never says it exists.
    "POST /api/groups/invitations/{invitation_id}/accept": Op(
        "resident", 404, code="invitation_not_found"
    ),
    "POST /api/groups/invitations/{invitation_id}/decline": Op(
        "resident", 404, code="invitation_not_found"
    ),
    "GET /api/venues/{venue_id}/group-approvals": Op("operator", FORBIDDEN),
    # Bookings: availability is public; a booking at a venue the caller does not operate, or
    # another resident's, is not found (never forbidden: its existence is not theirs).
    "GET /api/rooms/{room_id}/availability": Op("anonymous", 200, query={"date": "2026-12-02"}),
    "GET /api/venues/{venue_id}/availability": Op("anonymous", 200, query={"date": "2026-12-02"}),
    "GET /api/venues/{venue_id}/openness": Op("anonymous", 200),
    "GET /api/bookings/{booking_id}": Op("resident", 404, code="booking_not_found"),
    "POST /api/bookings/{booking_id}/cancel": Op(
        "resident", 404, lambda w, f: {}, code="booking_not_found"
    ),
    "POST /api/bookings/{booking_id}/approve": Op("operator", 404, code="booking_not_found"),
    "POST /api/bookings/{booking_id}/reject": Op(
        "operator", 404, lambda w, f: {"reason": "已满"}, code="booking_not_found"
    ),
    "POST /api/bookings/{booking_id}/check-in": Op("operator", 404, code="booking_not_found"),
    "POST /api/bookings/{booking_id}/payment": Op(
        "operator", 404, lambda w, f: {"method": "cash"}, code="booking_not_found"
    ),
    "POST /api/venues/{venue_id}/check-ins": Op(
        "operator", FORBIDDEN, lambda w, f: {"code": "123456"}, code="forbidden"
    ),
    "POST /api/venues/{venue_id}/walk-ins": Op(
        "operator", FORBIDDEN, lambda w, f: {"headcount": 3}, code="forbidden"
    ),
    "GET /api/venues/{venue_id}/bookings": Op("operator", FORBIDDEN),
    # Any resident may scan any venue's poster: "foreign" is another venue, a walk-in.
    "POST /api/venues/{venue_id}/check-in": Op("resident", 201),
    "POST /api/group-approvals/{approval_id}/decide": Op(
        "operator", FORBIDDEN, lambda w, f: {"approve": True}
    ),
    # Another group's series is not found: it never says it exists.
    "GET /api/series/{series_id}": Op("resident", 404, code="series_not_found"),
    "POST /api/series/{series_id}/cancel": Op(
        "resident", 404, lambda w, f: {}, code="series_not_found"
    ),
}


def _operations_with_path_ids() -> dict[str, list[str]]:
    schema = api.get_openapi_schema(path_prefix="/api")
    found = {}
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            if names:
                found[f"{method.upper()} {path}"] = names
    return found


PATH_IDS = _operations_with_path_ids()


def test_every_operation_with_an_id_is_covered():
    assert set(OPERATIONS) == set(PATH_IDS)
    ids = {name for names in PATH_IDS.values() for name in names if name.endswith("_id")}
    assert ids <= set(NOT_FOUND)


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_world()


def call(world: World, label: str, ids: dict[str, object], *, foreign: bool = False):
    op = OPERATIONS[label]
    method, template = label.split(" ", 1)
    url = template.format(date="2026-10-01", **ids)
    client = Client(headers=world.headers[op.caller])
    if op.multipart:
        return client.post(url, {"image": _jpeg()})
    if op.body is None:
        return client.generic(method, url + _query(op.query))
    return client.generic(
        method,
        url + _query(op.query),
        json.dumps(op.body(world, foreign)),
        content_type="application/json",
    )


def _query(values: dict) -> str:
    return "?" + urlencode(values) if values else ""


def _ids(world: World, *, foreign: bool) -> dict[str, object]:
    source = world.foreign if foreign else vars(world)
    return {
        "booking_id": source["booking"].public_id,
        "series_id": source["series"].public_id,
        **{
            name: source[name.removesuffix("_id")].pk
            for name in (
                "venue_id",
                "room_id",
                "scene_id",
                "event_id",
                "group_id",
                "approval_id",
                "photo_id",
                "invitation_id",
            )
        },
    }


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_it_handles_missing_foreign_and_malformed_ids(world, label):
    names = [n for n in PATH_IDS[label] if n.endswith("_id")]
    ours = _ids(world, foreign=False)

    for name in names:
        response = call(world, label, {**ours, name: MISSING_ID})
        code, message = NOT_FOUND[name]
        assert response.status_code == 404, (name, response.content)
        assert response.json() == {"code": code, "message": message, "fields": {}}, name

        if name in PUBLIC_IDS:
            for bad in ("abc", 0, 2**63, "x" * 33):
                response = call(world, label, {**ours, name: bad})
                assert response.status_code == 404, (name, bad, response.content)
                assert response.json()["code"] == code, (name, bad)
            continue
        for bad, problem in (("abc", "请输入整数。"), (0, "数值太小。"), (2**63, "数值太大。")):
            response = call(world, label, {**ours, name: bad})
            assert response.status_code == 422, (name, bad, response.content)
            assert response.json() == {
                "code": "invalid",
                "message": "请更正以下错误。",
                "fields": {name: [problem]},
            }, (name, bad)

    response = call(world, label, _ids(world, foreign=True), foreign=True)
    assert response.status_code == OPERATIONS[label].foreign, response.content
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"code", "message", "fields"}
        assert body["code"] == OPERATIONS[label].code


def test_a_malformed_date_in_a_path_is_a_field_error(world):
    client = Client(headers=world.headers["operator"])
    response = client.delete(f"/api/venues/{world.venue.pk}/exceptions/2026-13-01")

    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid",
        "message": "请更正以下错误。",
        "fields": {"date": ["请输入有效日期（YYYY-MM-DD）。"]},
    }
