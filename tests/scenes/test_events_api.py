"""Groups and events API: payloads, status codes and error codes."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from scenes.models import Event, EventRegistration, GroupVenueApproval
from scenes.services.group_invitations import group_join
from scenes.services.groups import group_create, group_request_approval
from scenes.services.registrations import event_register
from tests.factories import (
    ResidentFactory,
    UserFactory,
    VenueFactory,
    VenueRoleFactory,
    weekly_hours,
)

SH = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2026, 9, 30, 10, 0, tzinfo=SH)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def make_event(room, *, capacity=2, starts_at=dt.datetime(2026, 10, 14, 14, 30, tzinfo=SH)):
    return Event.objects.create(
        venue=room.venue,
        room=room,
        title="品茶议事",
        description="社区工作人员参加",
        capacity=capacity,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(minutes=90),
    )


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


# --- events -------------------------------------------------------------------------------


def test_venue_events_lists_upcoming_ones_with_seats(anonymous, venue, room, owner):
    event = make_event(room, capacity=1)
    make_event(room, starts_at=dt.datetime(2026, 9, 29, 14, 30, tzinfo=SH))  # over
    cancelled = make_event(room, starts_at=dt.datetime(2026, 10, 21, 14, 30, tzinfo=SH))
    cancelled.status = "cancelled"
    cancelled.save()
    event_register(user=owner, event=event)
    event_register(user=ResidentFactory(), event=event)

    response = anonymous.get(f"/api/venues/{venue.pk}/events")

    assert response.status_code == 200
    assert response.json() == [
        {
            "id": event.pk,
            "venue_id": venue.pk,
            "venue_name": "五福茶馆",
            "room_id": room.pk,
            "room_name": "议事茶亭",
            "scene_id": None,
            "series_id": None,
            "title": "品茶议事",
            "description": "社区工作人员参加",
            "organiser": {"kind": "venue", "name": "五福茶馆", "group_id": None},
            "starts_at": "2026-10-14T06:30:00Z",
            "ends_at": "2026-10-14T08:00:00Z",
            "capacity": 1,
            "registered": 1,
            "waitlisted": 1,
            "seats_left": 0,
            "status": "published",
            "registration_open": True,
            "cancel_reason": "",
        }
    ]


def test_an_unknown_event_is_a_404_with_a_code(anonymous, db):
    response = anonymous.get("/api/events/999")

    assert response.status_code == 404
    assert response.json()["code"] == "event_not_found"


def test_registration_returns_201_with_status_and_waitlist_position(
    room, owner_client, other_resident
):
    event = make_event(room, capacity=1)
    event_register(user=other_resident, event=event)

    response = post(owner_client, f"/api/events/{event.pk}/registrations")

    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["waitlist_position"], body["event_id"]) == (
        "waitlisted",
        1,
        event.pk,
    )
    registration = EventRegistration.objects.get(pk=body["id"])
    assert registration.status == "waitlisted"


def test_registration_takes_a_seat_when_there_is_one(room, owner_client, owner):
    event = make_event(room)

    body = post(owner_client, f"/api/events/{event.pk}/registrations").json()

    assert (body["status"], body["waitlist_position"]) == ("registered", None)
    assert EventRegistration.objects.get(event=event).resident == owner


def test_registering_twice_is_a_409(room, owner_client):
    event = make_event(room)
    post(owner_client, f"/api/events/{event.pk}/registrations")

    response = post(owner_client, f"/api/events/{event.pk}/registrations")

    assert response.status_code == 409
    assert response.json()["code"] == "already_registered"
    assert EventRegistration.objects.count() == 1


def test_registration_for_a_past_event_is_a_409(room, owner_client):
    event = make_event(room, starts_at=dt.datetime(2026, 9, 30, 9, 0, tzinfo=SH))

    response = post(owner_client, f"/api/events/{event.pk}/registrations")

    assert response.status_code == 409
    assert response.json() == {
        "code": "event_past",
        "message": "该活动已开始或已结束，不能报名。",
        "fields": {},
    }


def test_registration_for_a_cancelled_event_is_a_409(room, owner_client):
    event = make_event(room)
    event.status = "cancelled"
    event.save()

    response = post(owner_client, f"/api/events/{event.pk}/registrations")

    assert response.status_code == 409
    assert response.json()["code"] == "event_cancelled"


def test_registration_needs_sign_in(room, anonymous):
    event = make_event(room)

    response = post(anonymous, f"/api/events/{event.pk}/registrations")

    assert response.status_code == 401
    assert not EventRegistration.objects.exists()


def test_cancelling_my_registration_promotes_the_waitlist(room, owner_client, owner):
    event = make_event(room, capacity=1)
    event_register(user=owner, event=event)
    waiting = ResidentFactory()
    event_register(user=waiting, event=event)

    response = owner_client.delete(f"/api/events/{event.pk}/registrations/me")

    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    assert EventRegistration.objects.get(resident=waiting).status == "registered"


def test_cancelling_a_registration_i_do_not_have_is_a_404(room, owner_client):
    event = make_event(room)

    response = owner_client.delete(f"/api/events/{event.pk}/registrations/me")

    assert response.status_code == 404
    assert response.json()["code"] == "not_registered"


def test_my_registrations(room, owner_client, owner):
    event = make_event(room)
    event_register(user=owner, event=event)

    body = owner_client.get("/api/events/registrations/mine").json()

    assert [(r["event_id"], r["status"]) for r in body] == [(event.pk, "registered")]


def test_an_operator_publishes_weekly_events(operator_client, venue, room):
    weekly_hours(venue)

    response = post(
        operator_client,
        f"/api/venues/{venue.pk}/events",
        {
            "room_id": room.pk,
            "title": "品茶议事",
            "capacity": 12,
            "starts_at": "2026-10-14T14:30:00+08:00",
            "ends_at": "2026-10-14T16:00:00+08:00",
            "weeks": 3,
            "status": "cancelled",  # clients never choose the status: ignored
        },
    )

    assert response.status_code == 201
    body = response.json()
    assert body["series_id"] is not None
    assert [e["starts_at"] for e in body["events"]] == [
        "2026-10-14T06:30:00Z",
        "2026-10-21T06:30:00Z",
        "2026-10-28T06:30:00Z",
    ]
    assert {e["status"] for e in body["events"]} == {"published"}
    assert Event.objects.filter(series_id=body["series_id"]).count() == 3


def test_publishing_with_too_many_seats_is_a_422_on_the_field(operator_client, venue, room):
    weekly_hours(venue)

    response = post(
        operator_client,
        f"/api/venues/{venue.pk}/events",
        {
            "room_id": room.pk,
            "title": "品茶议事",
            "capacity": 30,
            "starts_at": "2026-10-14T14:30:00+08:00",
            "ends_at": "2026-10-14T16:00:00+08:00",
        },
    )

    assert response.status_code == 422
    assert response.json() == {
        "code": "capacity_exceeds_room",
        "message": "名额不能超过功能室容量（12 人）。",
        "fields": {"capacity": ["名额不能超过功能室容量（12 人）。"]},
    }
    assert not Event.objects.exists()


def test_publishing_with_missing_fields_is_a_422_in_chinese(operator_client, venue):
    response = post(operator_client, f"/api/venues/{venue.pk}/events", {"title": "品茶议事"})

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["fields"]["room_id"] == ["此项为必填。"]


def test_publishing_with_times_without_a_zone_is_a_422(operator_client, venue, room):
    weekly_hours(venue)

    response = post(
        operator_client,
        f"/api/venues/{venue.pk}/events",
        {
            "room_id": room.pk,
            "title": "品茶议事",
            "capacity": 5,
            "starts_at": "2026-10-14T14:30:00",
            "ends_at": "2026-10-14T16:00:00",
        },
    )

    assert response.status_code == 422
    assert response.json()["fields"] == {"starts_at": ["时间必须带时区。"]}


def test_a_resident_cannot_publish(owner_client, venue, room):
    weekly_hours(venue)

    response = post(
        owner_client,
        f"/api/venues/{venue.pk}/events",
        {
            "room_id": room.pk,
            "title": "品茶议事",
            "capacity": 5,
            "starts_at": "2026-10-14T14:30:00+08:00",
            "ends_at": "2026-10-14T16:00:00+08:00",
        },
    )

    assert response.status_code == 403
    assert response.json()["code"] == "not_venue_operator"


def test_an_operator_cancels_an_event_and_gets_the_notices(operator_client, room, owner):
    event = make_event(room)
    event_register(user=owner, event=event)

    response = post(operator_client, f"/api/events/{event.pk}/cancel", {"reason": "停电"})

    assert response.status_code == 200
    assert response.json() == {
        "cancelled_event_ids": [event.pk],
        "notified": 1,
        "notices": [
            {
                "phone_masked": "138****0001",
                "message": "活动“品茶议事”（10月14日 14:30）已取消，原因：停电。",
            }
        ],
    }
    event.refresh_from_db()
    assert event.status == "cancelled"


def test_an_operator_of_another_venue_cannot_cancel(room):
    stranger = UserFactory(username="other-operator")
    VenueRoleFactory(user=stranger, venue=VenueFactory(name="别处"), role="operator")
    event = make_event(room)

    response = post(client_for(stranger), f"/api/events/{event.pk}/cancel")

    assert response.status_code == 403
    assert response.json()["code"] == "not_venue_operator"


# --- groups -------------------------------------------------------------------------------


def test_a_resident_registers_a_group(owner_client, owner):
    ResidentFactory(phone="13800000003", display_name="王奶奶")

    response = post(
        owner_client,
        "/api/groups",
        {"name": "五福合唱团", "description": "每周三排练", "member_phones": ["13800000003"]},
    )

    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "五福合唱团"
    assert body["my_role"] == "leader"
    # 王奶奶 is invited, not added: her name appears only once she accepts.
    assert body["members"] == [
        {"name": "张阿姨", "phone_masked": "138****0001", "role": "leader"},
    ]
    assert [i["phone_masked"] for i in body["invitations"]] == ["138****0003"]
    assert body["approvals"] == []


def test_a_taken_group_name_is_a_409(owner_client, other_resident):
    group_create(user=other_resident, name="五福合唱团")

    response = post(owner_client, "/api/groups", {"name": "五福合唱团"})

    assert response.status_code == 409
    assert response.json()["code"] == "group_name_taken"


def test_my_groups(owner_client, owner, other_resident):
    group_create(user=owner, name="五福合唱团")
    group_create(user=other_resident, name="太极队")

    body = owner_client.get("/api/groups/mine").json()

    assert [g["name"] for g in body] == ["五福合唱团"]


def test_the_leader_asks_for_approval_and_the_operator_decides(
    owner_client, owner, operator_client, venue
):
    group = group_create(user=owner, name="五福合唱团")

    response = post(owner_client, f"/api/groups/{group.pk}/approvals", {"venue_id": venue.pk})
    assert response.status_code == 201
    approval_id = response.json()["id"]
    assert response.json()["status"] == "pending"

    again = post(owner_client, f"/api/groups/{group.pk}/approvals", {"venue_id": venue.pk})
    assert again.status_code == 409
    assert again.json()["code"] == "already_requested"

    pending = operator_client.get(f"/api/venues/{venue.pk}/group-approvals?status=pending").json()
    assert [a["id"] for a in pending] == [approval_id]

    decided = post(
        operator_client,
        f"/api/group-approvals/{approval_id}/decide",
        {"approve": False, "note": "请补充成员名单"},
    )
    assert decided.status_code == 200
    assert (decided.json()["status"], decided.json()["note"]) == ("rejected", "请补充成员名单")
    assert GroupVenueApproval.objects.get().status == "rejected"


def test_a_member_who_is_not_leader_cannot_ask(other_client, owner, other_resident, venue):
    group = group_create(user=owner, name="五福合唱团")
    group_join(user=other_resident, code=group.invite_code)

    response = post(other_client, f"/api/groups/{group.pk}/approvals", {"venue_id": venue.pk})

    assert response.status_code == 403
    assert response.json()["code"] == "not_group_leader"


def test_an_operator_of_another_venue_cannot_decide(owner, venue):
    group = group_create(user=owner, name="五福合唱团")
    approval = group_request_approval(user=owner, group=group, venue=venue)
    stranger = UserFactory(username="other-operator")
    VenueRoleFactory(user=stranger, venue=VenueFactory(name="别处"), role="operator")

    response = post(
        client_for(stranger), f"/api/group-approvals/{approval.pk}/decide", {"approve": True}
    )

    assert response.status_code == 403
    assert response.json()["code"] == "not_venue_operator"
    assert GroupVenueApproval.objects.get().status == "pending"
