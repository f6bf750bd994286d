"""The bookings JSON API: availability, booking with idempotency, the authorisation matrix
(owner, other resident, operator of this venue, operator of another, anonymous) over every
booking endpoint, bad input, and the state machine driven through the API.

The clock is frozen on Tue 2026-12-01 08:00 Shanghai; the venue is open 09-21 with a free
public scene 09-18 (30-minute grid, 1 h notice, check-in 15 min either side, cancel until
1 h before) and a paid commercial one 18-21 (20 yuan an hour)."""

import datetime as dt
import json

import pytest
from django.test import Client

from bookings import idempotency
from bookings.models import Booking, CheckIn, IdempotentRequest, Rating, Status
from bookings.services.bookings import booking_create
from scenes.models import Group, GroupMembership
from tests.bookings.conftest import at
from tests.factories import RoomFactory, UserFactory, VenueFactory, VenueRoleFactory

pytestmark = pytest.mark.django_db

CALLERS = ("owner", "other", "operator", "other_operator", "anonymous")


@pytest.fixture
def other_operator(db):
    user = UserFactory(username="wangjiang-operator", is_staff=True)
    VenueRoleFactory(user=user, venue=VenueFactory(name="望江书屋"), role="operator")
    return user


@pytest.fixture
def clients(owner, other_resident, operator, other_operator):
    result = {"anonymous": Client()}
    for name, user in (
        ("owner", owner),
        ("other", other_resident),
        ("operator", operator),
        ("other_operator", other_operator),
    ):
        result[name] = Client()
        result[name].force_login(user)
    return result


def post(client, url, data=None, **headers):
    body = json.dumps(data if data is not None else {})
    return client.post(url, body, content_type="application/json", headers=headers)


def body(room, start, end, **extra):
    return {
        "room": room.pk,
        "starts_at": start.isoformat(),
        "ends_at": end.isoformat(),
        "people": 4,
        "purpose": "合唱排练",
        **extra,
    }


def book(user, room, start, end):
    return booking_create(
        user=user, room=room, starts_at=start, ends_at=end, people=4, purpose="合唱排练"
    )


def error(response, status, code):
    assert response.status_code == status, response.content
    data = response.json()
    assert set(data) == {"code", "message", "fields"}
    assert data["code"] == code, data
    return data


# --- availability -----------------------------------------------------------------------------


def test_anyone_sees_a_rooms_slots_with_offsets_and_rules(frozen, scenes, room, anonymous):
    response = anonymous.get(f"/api/rooms/{room.pk}/availability?date=2026-12-02")

    assert response.status_code == 200
    data = response.json()
    assert data["from"] == "2026-12-02" and data["to"] == "2026-12-03"
    assert data["time_zone"] == "Asia/Shanghai"
    first = data["slots"][0]
    assert first == {
        "starts_at": "2026-12-02T09:00:00+08:00",
        "ends_at": "2026-12-02T09:30:00+08:00",
        "scene": {"id": scenes[0].pk, "name": "公益时段", "kind": "public"},
        "who_may_book": "residents",
        "requires_approval": False,
        "price_fen": 0,
        "can_start": True,
        "longest_minutes": 180,
        "min_duration_minutes": 30,
        "max_people": 12,
    }
    evening = [s for s in data["slots"] if s["scene"]["kind"] == "commercial"]
    assert evening[0]["price_fen"] == 1000 and evening[-1]["can_start"] is False
    # `to` is exclusive: the same day asked as a range is the same answer.
    ranged = anonymous.get(f"/api/rooms/{room.pk}/availability?from=2026-12-02&to=2026-12-03")
    assert ranged.json()["slots"] == data["slots"]


def test_a_booked_cell_disappears_from_availability(frozen, scenes, room, owner, anonymous):
    book(owner, room, at(2, 10), at(2, 11))
    data = anonymous.get(f"/api/rooms/{room.pk}/availability?date=2026-12-02").json()
    starts = [s["starts_at"][11:16] for s in data["slots"][:4]]
    assert starts == ["09:00", "09:30", "11:00", "11:30"]


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ("from=2026-12-01&to=2027-01-02", 422, "range_too_long"),
        ("from=2026-12-03&to=2026-12-02", 422, "invalid_range"),
        ("from=2026-12-01", 422, "required"),
        ("date=2026-12-01&from=2026-12-01&to=2026-12-02", 422, "invalid"),
        ("date=2026-13-01", 422, "invalid"),
        ("date=9990-12-31", 422, "date_out_of_range"),
    ],
)
def test_bad_availability_ranges(frozen, scenes, room, anonymous, query, status, code):
    error(anonymous.get(f"/api/rooms/{room.pk}/availability?{query}"), status, code)


def test_31_days_is_the_longest_range(frozen, scenes, room, anonymous):
    response = anonymous.get(f"/api/rooms/{room.pk}/availability?from=2026-12-01&to=2027-01-01")
    assert response.status_code == 200


def test_an_unpublished_venues_room_is_not_found_except_for_its_operator(
    frozen, scenes, venue, room, anonymous, operator_client
):
    venue.is_published = False
    venue.save()
    url = f"/api/rooms/{room.pk}/availability?date=2026-12-02"
    error(anonymous.get(url), 404, "room_not_found")
    assert operator_client.get(url).status_code == 200
    error(anonymous.get(f"/api/venues/{venue.pk}/availability"), 404, "venue_not_found")


def test_a_room_of_an_unpublished_venue_is_not_found_when_booking(
    frozen, scenes, venue, room, owner_client
):
    venue.is_published = False
    venue.save()
    asked = body(room, at(2, 10), at(2, 11))
    data = error(post(owner_client, "/api/bookings", asked), 404, "room_not_found")
    assert data["fields"] == {"room": ["找不到该功能室。"]}
    assert not Booking.objects.exists()


def test_a_booking_for_a_missing_or_malformed_room_is_404_or_422(frozen, scenes, owner_client):
    asked = body(RoomFactory.build(pk=999_999), at(2, 10), at(2, 11))
    error(post(owner_client, "/api/bookings", asked), 404, "room_not_found")
    error(post(owner_client, "/api/bookings", {**asked, "room": "abc"}), 422, "invalid")
    assert not Booking.objects.exists()


def test_a_rooms_availability_is_two_queries_once_its_grid_is_kept(
    frozen, scenes, room, anonymous, django_assert_num_queries
):
    url = f"/api/rooms/{room.pk}/availability?date=2026-12-02"
    assert anonymous.get(url).status_code == 200  # the grid is kept now
    # The room with its venue (and schedule token), then what holds the room: bookings
    # and published events in one statement.
    with django_assert_num_queries(2):
        assert anonymous.get(url).status_code == 200


def test_the_venue_day_lists_every_room(frozen, scenes, venue, room, anonymous):
    reading = RoomFactory(venue=venue, name="社区书屋", is_bookable=False)
    data = anonymous.get(f"/api/venues/{venue.pk}/availability?date=2026-12-02").json()

    assert data["date"] == "2026-12-02"
    rooms = {r["name"]: r for r in data["rooms"]}
    assert rooms[room.name]["is_bookable"] is True and len(rooms[room.name]["slots"]) == 24
    assert rooms[reading.name] == {
        "id": reading.pk,
        "name": "社区书屋",
        "capacity": reading.capacity,
        "is_bookable": False,
        "slots": [],
    }


# --- creating a booking ---------------------------------------------------------------------


def test_a_booking_is_created_and_answered_201(frozen, scenes, room, venue, owner_client, owner):
    response = post(owner_client, "/api/bookings", body(room, at(2, 10), at(2, 11)))

    assert response.status_code == 201, response.content
    data = response.json()
    booking = Booking.objects.get()
    assert booking.resident == owner and booking.status == Status.CONFIRMED
    assert data == {
        "id": booking.public_id,
        "room": {"id": room.pk, "name": room.name},
        "venue": {"id": venue.pk, "name": venue.name},
        "starts_at": "2026-12-02T10:00:00+08:00",
        "ends_at": "2026-12-02T11:00:00+08:00",
        "status": "confirmed",
        "status_label": "已确认",
        "people": 4,
        "purpose": "合唱排练",
        "group": None,
        "series": None,
        "price_fen": 0,
        "payment": None,
        "code": booking.code,
        "checkin": {
            "opens_at": "2026-12-02T09:45:00+08:00",
            "closes_at": "2026-12-02T10:15:00+08:00",
        },
        "cancel_deadline": "2026-12-02T09:00:00+08:00",
        "reason": "",
        "can_cancel": True,
    }
    # Written without ninja validating it again: the very bytes its rendering writes.
    from ninja.responses import NinjaJSONEncoder

    from bookings.schemas import BookingOut

    rendered = BookingOut.model_validate(data).model_dump()
    assert (
        response.content == json.dumps(rendered, cls=NinjaJSONEncoder, ensure_ascii=False).encode()
    )
    assert response["Content-Type"] == "application/json; charset=utf-8"


def test_any_offset_names_the_same_instant(frozen, scenes, room, owner_client):
    utc = {"starts_at": "2026-12-02T02:00:00Z", "ends_at": "2026-12-02T03:00:00+00:00"}
    response = post(owner_client, "/api/bookings", {**body(room, at(2, 10), at(2, 11)), **utc})
    assert response.status_code == 201
    assert response.json()["starts_at"] == "2026-12-02T10:00:00+08:00"


def _over_the_limit(owner, room):
    for hour in (9, 11, 13):
        book(owner, room, at(2, hour), at(2, hour + 1))


def _someone_elses_group(other_resident):
    group = Group.objects.create(name="望江读书会", created_by=other_resident)
    GroupMembership.objects.create(group=group, user=other_resident, role="leader")
    return group


BAD = [
    # (label, changes to the body or a callable making them, status, code)
    ("naive start", {"starts_at": "2026-12-02T10:00:00"}, 422, "timezone_required"),
    ("naive both", {"starts_at": "2026-12-02T10:00", "ends_at": "2026-12-02T11:00"}, 422,
     "timezone_required"),
    ("malformed", {"starts_at": "2026-12-02 10h"}, 422, "invalid"),
    ("a number", {"starts_at": 1796176800}, 422, "invalid"),
    ("no such day", {"starts_at": "2026-02-30T10:00:00+08:00"}, 422, "invalid"),
    ("end before start", {"ends_at": "2026-12-02T09:00:00+08:00"}, 422, "end_before_start"),
    ("end equals start", {"ends_at": "2026-12-02T10:00:00+08:00"}, 422, "end_before_start"),
    ("off the grid", {"starts_at": "2026-12-02T10:15:00+08:00",
                      "ends_at": "2026-12-02T11:15:00+08:00"}, 422, "off_grid"),
    ("before opening", {"starts_at": "2026-12-02T07:00:00+08:00",
                        "ends_at": "2026-12-02T08:00:00+08:00"}, 422, "outside_opening_hours"),
    ("across scenes", {"starts_at": "2026-12-02T17:00:00+08:00",
                       "ends_at": "2026-12-02T19:00:00+08:00"}, 422, "spans_scenes"),
    ("past", {"starts_at": "2026-11-30T10:00:00+08:00",
              "ends_at": "2026-11-30T11:00:00+08:00"}, 422, "past"),
    ("too far ahead", {"starts_at": "2026-12-20T10:00:00+08:00",
                       "ends_at": "2026-12-20T11:00:00+08:00"}, 422, "too_far_ahead"),
    ("too long", {"ends_at": "2026-12-02T14:00:00+08:00"}, 422, "too_long"),
    ("too many people", {"people": 13}, 422, "too_many_people"),
    ("no people", {"people": 0}, 422, "invalid"),
    ("no purpose", {"purpose": "  "}, 422, "required"),
    ("purpose too long", {"purpose": "长" * 101}, 422, "too_long"),
    ("missing room", {"room": 2**62}, 404, "room_not_found"),
    ("malformed room", {"room": "abc"}, 422, "invalid"),
    ("missing group", {"group": 2**62}, 404, "group_not_found"),
    ("not our group", lambda w: {"group": _someone_elses_group(w["other_resident"]).pk}, 403,
     "not_group_leader"),
    ("walk-in room", lambda w: {"room": RoomFactory(venue=w["venue"], is_bookable=False).pk},
     422, "room_not_bookable"),
    ("the year 10000", {"starts_at": "9999-12-31T23:30:00+08:00"}, 422, "date_out_of_range"),
]  # fmt: skip


@pytest.mark.parametrize(("label", "change", "status", "code"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_a_4xx_with_a_code_and_writes_nothing(
    frozen, scenes, venue, room, owner_client, other_resident, label, change, status, code
):
    world = {"venue": venue, "other_resident": other_resident}
    changes = change(world) if callable(change) else change
    response = post(owner_client, "/api/bookings", {**body(room, at(2, 10), at(2, 11)), **changes})

    error(response, status, code)
    assert not Booking.objects.exists()
    assert not IdempotentRequest.objects.exists()


def test_inside_the_notice_is_refused(frozen, scenes, room, owner_client):
    frozen.move_to(at(1, 8, 31))
    response = post(owner_client, "/api/bookings", body(room, at(1, 9), at(1, 10)))
    error(response, 422, "notice")
    assert not Booking.objects.exists()


def test_over_the_active_limit_is_refused(frozen, scenes, room, owner, owner_client):
    _over_the_limit(owner, room)
    response = post(owner_client, "/api/bookings", body(room, at(2, 15), at(2, 16)))
    error(response, 422, "active_limit")
    assert Booking.objects.count() == 3


def test_a_taken_slot_is_409_overlap(frozen, scenes, room, other_resident, owner_client):
    book(other_resident, room, at(2, 10), at(2, 11))
    error(post(owner_client, "/api/bookings", body(room, at(2, 10, 30), at(2, 11))), 409, "overlap")
    assert Booking.objects.count() == 1


def test_staff_cannot_book_as_a_resident(frozen, scenes, room, operator_client):
    # Staff accounts never agree to the residents' privacy statement: resident_auth stops them.
    response = post(operator_client, "/api/bookings", body(room, at(2, 10), at(2, 11)))
    error(response, 403, "consent_required")
    assert not Booking.objects.exists()


# --- idempotency ----------------------------------------------------------------------------


def test_a_retry_with_the_same_key_replays_the_first_answer_and_books_once(
    frozen, scenes, room, owner_client
):
    data = body(room, at(2, 10), at(2, 11))
    first = post(owner_client, "/api/bookings", data, **{"Idempotency-Key": "tap-1"})
    frozen.shift(dt.timedelta(minutes=5))
    again = post(owner_client, "/api/bookings", data, **{"Idempotency-Key": "tap-1"})

    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert Booking.objects.count() == 1
    stored = IdempotentRequest.objects.get()
    assert stored.status == 201 and stored.body["id"] == Booking.objects.get().public_id
    # The same body with its keys in another order is the same request.
    reordered = dict(reversed(list(data.items())))
    third = post(owner_client, "/api/bookings", reordered, **{"Idempotency-Key": "tap-1"})
    assert third.content == first.content


def test_a_keyed_booking_is_one_transaction_without_a_savepoint_of_its_own(
    frozen, scenes, room, owner_client
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    data = body(room, at(2, 10), at(2, 11))
    with CaptureQueriesContext(connection) as queries:
        response = post(owner_client, "/api/bookings", data, **{"Idempotency-Key": "tap-9"})
    assert response.status_code == 201
    # The one savepoint is the key's transaction (a real transaction outside the test's):
    # the booking inside it takes none.
    sql = [q["sql"] or "" for q in queries.captured_queries]
    assert sum(s.startswith("SAVEPOINT") for s in sql) == 1, sql
    # And a refused booking under a key still leaves nothing, key row included.
    taken = post(owner_client, "/api/bookings", data, **{"Idempotency-Key": "tap-10"})
    error(taken, 409, "overlap")
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["tap-9"]
    assert Booking.objects.count() == 1


def test_the_same_key_with_another_body_is_a_mismatch(frozen, scenes, room, owner_client):
    post(owner_client, "/api/bookings", body(room, at(2, 10), at(2, 11)),
         **{"Idempotency-Key": "tap-1"})  # fmt: skip
    response = post(
        owner_client, "/api/bookings", body(room, at(2, 12), at(2, 13)),
        **{"Idempotency-Key": "tap-1"},
    )  # fmt: skip
    error(response, 422, "idempotency_mismatch")
    assert Booking.objects.count() == 1


def test_keys_belong_to_one_user(frozen, scenes, room, owner_client, other_client):
    post(owner_client, "/api/bookings", body(room, at(2, 10), at(2, 11)),
         **{"Idempotency-Key": "k"})  # fmt: skip
    response = post(other_client, "/api/bookings", body(room, at(2, 12), at(2, 13)),
                    **{"Idempotency-Key": "k"})  # fmt: skip
    assert response.status_code == 201
    assert Booking.objects.count() == 2


def test_a_refused_request_is_not_remembered(frozen, scenes, room, other_resident, owner_client):
    taken = book(other_resident, room, at(2, 10), at(2, 11))
    data = body(room, at(2, 10), at(2, 11))
    error(post(owner_client, "/api/bookings", data, **{"Idempotency-Key": "k"}), 409, "overlap")
    assert not IdempotentRequest.objects.exists()
    Booking.objects.filter(pk=taken.pk).update(status=Status.CANCELLED)
    assert post(owner_client, "/api/bookings", data, **{"Idempotency-Key": "k"}).status_code == 201


@pytest.mark.parametrize("key", ["", "x" * 201, "键"])
def test_an_unusable_key_is_refused(frozen, scenes, room, owner_client, key):
    response = owner_client.post(
        "/api/bookings",
        json.dumps(body(room, at(2, 10), at(2, 11))),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert response.status_code == 422, response.content
    assert response.json()["code"] in ("invalid", "invalid_idempotency_key")
    assert not Booking.objects.exists()


def test_a_retry_that_loses_the_insert_replays_the_winner(owner):
    # The winner committed first (an earlier try, or a concurrent one): the unique
    # constraint refuses the loser's row, and it answers with the winner's, unrun.
    IdempotentRequest.objects.create(
        user=owner, key="k", fingerprint="f", status=201, body={"id": "won"}
    )
    ran = []

    result = idempotency.idempotent(
        user=owner,
        key="k",
        fingerprint="f",
        run=lambda _joined: ran.append(1) or (201, {"id": "lost"}),
    )
    assert result == (201, {"id": "won"})
    assert ran == []


def test_a_crash_inside_run_leaves_no_key_behind(owner):
    def run(joined):
        assert joined  # inside the key's transaction
        Booking.objects.none()
        raise RuntimeError("the server died")

    with pytest.raises(RuntimeError):
        idempotency.idempotent(user=owner, key="k", fingerprint="f", run=run)
    assert not IdempotentRequest.objects.exists()


def test_without_a_key_run_is_simply_called(owner):
    assert idempotency.idempotent(
        user=owner, key=None, fingerprint="f", run=lambda joined: (joined, 2)
    ) == (False, 2)
    assert idempotency.fingerprint({"b": 1, "a": "邻"}) == idempotency.fingerprint(
        {"a": "邻", "b": 1}
    )


# --- the authorisation matrix ---------------------------------------------------------------


@pytest.fixture
def pending(frozen, scenes, room, owner):
    public, _commercial = scenes
    public.requires_approval = True
    public.save()
    return book(owner, room, at(2, 10), at(2, 11))


@pytest.fixture
def confirmed(frozen, scenes, room, owner):
    return book(owner, room, at(1, 10), at(1, 11))


@pytest.fixture
def paid(frozen, scenes, room, owner):
    return book(owner, room, at(2, 18), at(2, 19))


NOT_FOUND = (404, "booking_not_found")
UNAUTHENTICATED = (401, "unauthenticated")
FORBIDDEN = (403, "forbidden")
OPERATOR_ONLY = {
    "owner": FORBIDDEN,
    "other": NOT_FOUND,
    "other_operator": NOT_FOUND,
    "anonymous": UNAUTHENTICATED,
}
MATRIX = {
    # operation: (booking fixture, method, path, body, clock, {caller: (status, code)})
    "read": ("confirmed", "get", "", None, None,
             {"owner": (200, None), "operator": (200, None), "other": NOT_FOUND,
              "other_operator": NOT_FOUND, "anonymous": UNAUTHENTICATED}),
    "cancel": ("confirmed", "post", "/cancel", {"reason": "设备检修"}, None,
               {"owner": (200, None), "operator": (200, None), "other": NOT_FOUND,
                "other_operator": NOT_FOUND, "anonymous": UNAUTHENTICATED}),
    "approve": ("pending", "post", "/approve", {}, None, {**OPERATOR_ONLY, "operator": (200, None)}),
    "reject": ("pending", "post", "/reject", {"reason": "已有活动"}, None,
               {**OPERATOR_ONLY, "operator": (200, None)}),
    "check in": ("confirmed", "post", "/check-in", {}, (1, 9, 50),
                 {**OPERATOR_ONLY, "operator": (201, None)}),
    "payment": ("paid", "post", "/payment", {"method": "wechat"}, None,
                {**OPERATOR_ONLY, "operator": (200, None)}),
}  # fmt: skip


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("operation", sorted(MATRIX))
def test_who_may_do_what_to_a_booking(request, clients, operation, caller):
    fixture, method, suffix, data, clock, expected = MATRIX[operation]
    booking = request.getfixturevalue(fixture)
    before = Booking.objects.values().get(pk=booking.pk)
    if clock:
        request.getfixturevalue("frozen").move_to(at(*clock))
    url = f"/api/bookings/{booking.public_id}{suffix}"
    client = clients[caller]
    response = client.get(url) if method == "get" else post(client, url, data)

    status, code = expected[caller]
    if code is None:
        assert response.status_code == status, response.content
        assert response.json()["id"] == booking.public_id or response.json()["booking"]
    else:
        error(response, status, code)
        assert Booking.objects.values().get(pk=booking.pk) == before
        assert not CheckIn.objects.exists()


VENUE_MATRIX = {
    # operation: (method, path, body, clock, {caller: (status, code)})
    "check in by code": ("post", "/check-ins", lambda b: {"code": b.code}, (1, 9, 50),
                         {"operator": (201, None)}),
    "walk-ins": ("post", "/walk-ins", lambda b: {"headcount": 3}, None,
                 {"operator": (201, None)}),
    "day list": ("get", "/bookings?date=2026-12-01", None, None, {"operator": (200, None)}),
    "poster": ("post", "/check-in", lambda b: {}, None,
               {"owner": (201, None), "other": (201, None),
                "operator": (403, "consent_required"),
                "other_operator": (403, "consent_required")}),
}  # fmt: skip
VENUE_REFUSED = {
    "owner": FORBIDDEN,
    "other": FORBIDDEN,
    "other_operator": FORBIDDEN,
    "anonymous": UNAUTHENTICATED,
}


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("operation", sorted(VENUE_MATRIX))
def test_who_may_do_what_at_a_venue(request, clients, confirmed, venue, operation, caller):
    method, suffix, data, clock, allowed = VENUE_MATRIX[operation]
    if clock:
        request.getfixturevalue("frozen").move_to(at(*clock))
    url = f"/api/venues/{venue.pk}{suffix}"
    client = clients[caller]
    response = client.get(url) if method == "get" else post(client, url, data(confirmed))

    refused = dict(VENUE_REFUSED)
    if operation == "day list":
        refused.update(
            dict.fromkeys(("owner", "other", "other_operator"), (403, "not_venue_operator"))
        )
    status, code = {**refused, **allowed}[caller]
    if code is None:
        assert response.status_code == status, response.content
    else:
        error(response, status, code)
        assert not CheckIn.objects.exists()
        assert Booking.objects.get().status == Status.CONFIRMED


@pytest.mark.parametrize(
    ("caller", "status", "code"),
    [
        ("anonymous", 401, "unauthenticated"),
        ("owner", 200, None),
        ("operator", 403, "consent_required"),
    ],
)
def test_own_lists_need_a_caller(clients, confirmed, caller, status, code):
    for url in ("/api/bookings", "/api/ratings"):
        response = clients[caller].get(url)
        if code:
            error(response, status, code)
        else:
            assert response.status_code == status
    if caller == "owner":
        assert [b["id"] for b in clients[caller].get("/api/bookings").json()] == [
            confirmed.public_id
        ]


def test_anonymous_cannot_book(clients, scenes, room, frozen):
    error(post(clients["anonymous"], "/api/bookings", body(room, at(2, 10), at(2, 11))), 401,
          "unauthenticated")  # fmt: skip


# --- the state machine through the API ------------------------------------------------------


def _status(client, booking):
    return client.get(f"/api/bookings/{booking.public_id}").json()["status"]


def test_pending_approved_checked_in_completed(
    frozen, pending, owner_client, operator_client, operator
):
    url = f"/api/bookings/{pending.public_id}"
    assert _status(owner_client, pending) == "pending"
    error(post(operator_client, f"{url}/check-in"), 409, "not_confirmed")

    approved = post(operator_client, f"{url}/approve")
    assert approved.json()["status"] == "confirmed"
    error(post(operator_client, f"{url}/approve"), 409, "invalid_state")

    error(post(operator_client, f"{url}/check-in"), 422, "checkin_not_open")
    frozen.move_to(at(2, 9, 45))
    operator_client.force_login(operator)  # a staff session lasts 10 hours
    first = post(operator_client, f"{url}/check-in")
    assert first.status_code == 201
    assert first.json()["kind"] == "booking" and first.json()["booking"]["status"] == "checked_in"
    again = post(operator_client, f"{url}/check-in")
    assert again.status_code == 200 and again.json()["created"] is False
    assert CheckIn.objects.count() == 1

    frozen.move_to(at(2, 11))
    assert _status(owner_client, pending) == "completed"


def test_pending_rejected_with_a_reason(
    frozen, pending, owner_client, operator_client, sms_outbox, django_capture_on_commit_callbacks
):
    url = f"/api/bookings/{pending.public_id}"
    with django_capture_on_commit_callbacks(execute=True):
        rejected = post(operator_client, f"{url}/reject", {"reason": "当天有活动"})
    assert rejected.json()["status"] == "rejected" and rejected.json()["reason"] == "当天有活动"
    assert rejected.json()["can_cancel"] is False
    error(post(owner_client, f"{url}/cancel"), 409, "invalid_state")
    assert len(sms_outbox) == 1


def test_a_resident_cancels_before_the_deadline_only(frozen, scenes, room, owner, owner_client):
    early = book(owner, room, at(2, 10), at(2, 11))
    late = book(owner, room, at(1, 12), at(1, 13))

    cancelled = post(owner_client, f"/api/bookings/{early.public_id}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    frozen.move_to(at(1, 11, 1))
    assert owner_client.get(f"/api/bookings/{late.public_id}").json()["can_cancel"] is False
    error(post(owner_client, f"/api/bookings/{late.public_id}/cancel"), 422,
          "cancel_deadline_passed")  # fmt: skip
    assert Booking.objects.get(pk=late.pk).status == Status.CONFIRMED


def test_an_operator_cancel_needs_a_reason(
    frozen, confirmed, operator_client, sms_outbox, django_capture_on_commit_callbacks
):
    url = f"/api/bookings/{confirmed.public_id}/cancel"
    error(post(operator_client, url, {}), 422, "required")
    assert Booking.objects.get().status == Status.CONFIRMED
    with django_capture_on_commit_callbacks(execute=True):
        response = post(operator_client, url, {"reason": "设备检修"})
    assert response.json()["status"] == "cancelled" and response.json()["reason"] == "设备检修"
    assert len(sms_outbox) == 1


def test_a_confirmed_booking_is_a_no_show_when_its_window_closes(
    frozen, confirmed, owner_client, operator_client
):
    frozen.move_to(at(1, 10, 15) - dt.timedelta(microseconds=1))
    assert _status(owner_client, confirmed) == "confirmed"
    frozen.move_to(at(1, 10, 15))
    assert _status(owner_client, confirmed) == "no_show"
    day = operator_client.get(f"/api/venues/{confirmed.venue_id}/bookings?date=2026-12-01")
    assert [(b["id"], b["status"]) for b in day.json()] == [(confirmed.public_id, "no_show")]
    error(post(operator_client, f"/api/bookings/{confirmed.public_id}/check-in"), 422,
          "checkin_closed")  # fmt: skip


def test_payment_is_recorded_once(frozen, paid, operator_client, confirmed):
    url = f"/api/bookings/{paid.public_id}/payment"
    response = post(operator_client, url, {"method": "cash"})
    assert response.json()["price_fen"] == 2000
    assert response.json()["payment"] == {
        "method": "cash",
        "paid_fen": 2000,
        "paid_at": "2026-12-01T08:00:00+08:00",
    }
    error(post(operator_client, url, {"method": "wechat"}), 409, "already_paid")
    error(post(operator_client, url, {"method": "bitcoin"}), 422, "invalid")
    free = f"/api/bookings/{confirmed.public_id}/payment"
    error(post(operator_client, free, {"method": "cash"}), 409, "not_paid_booking")


def test_upcoming_and_past_lists(frozen, scenes, room, owner, owner_client):
    soon = book(owner, room, at(1, 10), at(1, 11))
    later = book(owner, room, at(2, 10), at(2, 11))
    frozen.move_to(at(1, 12))
    upcoming = owner_client.get("/api/bookings?upcoming=true").json()
    past = owner_client.get("/api/bookings?upcoming=false").json()
    assert [b["id"] for b in upcoming] == [later.public_id]
    assert [(b["id"], b["status"]) for b in past] == [(soon.public_id, "no_show")]


def test_walk_ins_by_headcount_and_room(frozen, venue, room, operator_client, other_operator):
    url = f"/api/venues/{venue.pk}/walk-ins"
    response = post(operator_client, url, {"headcount": 5, "room": room.pk})
    assert response.status_code == 201
    assert response.json()["headcount"] == 5 and response.json()["room"] == room.pk
    foreign_room = RoomFactory(venue=VenueFactory(name="别处"))
    error(post(operator_client, url, {"headcount": 5, "room": foreign_room.pk}), 404,
          "room_not_found")  # fmt: skip
    error(post(operator_client, url, {"headcount": 0}), 422, "invalid")
    assert CheckIn.objects.get().headcount == 5


def test_an_unknown_code_at_the_desk(frozen, confirmed, venue, operator_client):
    url = f"/api/venues/{venue.pk}/check-ins"
    error(post(operator_client, url, {"code": "000000"}), 404, "booking_not_found")
    error(post(operator_client, url, {"code": "12"}), 422, "invalid")


# --- the poster and ratings -----------------------------------------------------------------


def test_poster_scan_checks_in_a_due_booking_then_rates_it(frozen, confirmed, venue, owner_client):
    frozen.move_to(at(1, 9, 50))
    scan = post(owner_client, f"/api/venues/{venue.pk}/check-in")
    assert scan.status_code == 201
    assert scan.json()["kind"] == "booking"
    assert scan.json()["booking"]["id"] == confirmed.public_id
    assert post(owner_client, f"/api/venues/{venue.pk}/check-in").status_code == 200

    rating = {"venue": venue.pk, "date": "2026-12-01", "score": 5, "comment": "很好"}
    response = post(owner_client, "/api/ratings", rating)
    assert response.status_code == 201
    assert response.json()["score"] == 5 and response.json()["venue"]["id"] == venue.pk
    error(post(owner_client, "/api/ratings", rating), 409, "already_rated")
    assert [r["comment"] for r in owner_client.get("/api/ratings").json()] == ["很好"]
    assert Rating.objects.count() == 1


def test_rating_needs_a_visit(frozen, venue, owner_client):
    rating = {"venue": venue.pk, "date": "2026-12-01", "score": 4}
    error(post(owner_client, "/api/ratings", rating), 422, "no_visit")
    error(post(owner_client, "/api/ratings", {**rating, "score": 6}), 422, "invalid")


@pytest.mark.parametrize("bad", ["%00", "a%00b", "x" * 33, "%E9%82%BB"])
def test_an_impossible_booking_id_is_simply_not_found(owner_client, bad):
    error(owner_client.get(f"/api/bookings/{bad}"), 404, "booking_not_found")


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_book_once_and_answer_alike(frozen, scenes, room, owner):
    """Eight simultaneous requests with the same key (a double tap, a retrying proxy): the
    unique (user, key) constraint decides; all answer the same 201 and one booking exists.

    PostgreSQL only: the SQLite test database is in memory (shared cache), where threads
    get "table is locked" instead of waiting; on SQLite files the IMMEDIATE transaction
    serialises the requests, and the second finds the first's row before inserting."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("threads need a server database (see the docstring)")

    barrier = Barrier(8)
    data = body(room, at(2, 10), at(2, 11))

    def attempt(_):
        client = Client()
        client.force_login(owner)
        try:
            barrier.wait(timeout=30)
            return post(client, "/api/bookings", data, **{"Idempotency-Key": "double-tap"})
        finally:
            connection.close()

    with ThreadPoolExecutor(8) as pool:
        responses = list(pool.map(attempt, range(8)))

    assert [r.status_code for r in responses] == [201] * 8, [r.content for r in responses]
    assert len({r.content for r in responses}) == 1
    assert Booking.objects.count() == 1
    assert IdempotentRequest.objects.count() == 1
