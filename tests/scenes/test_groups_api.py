"""Groups API: invitations, invite codes, and the promise that no answer tells a resident
whether a phone number has an account."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from scenes.models import Group, GroupInvitation
from scenes.services.group_invitations import group_invite
from scenes.services.groups import group_create
from tests.factories import ResidentFactory

T0 = dt.datetime(2026, 9, 30, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
JSON = "application/json"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def now(time_machine):
    time_machine.move_to(T0, tick=False)
    return time_machine


def post(client, path, body=None):
    return client.post(path, json.dumps(body or {}), content_type=JSON)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def choir(owner):
    return group_create(user=owner, name="五福合唱团", description="每周三排练")


def test_creating_with_a_registered_or_an_unknown_number_answers_the_same(owner_client):
    ResidentFactory(phone="13800000003", display_name="王奶奶")

    registered = post(
        owner_client, "/api/groups", {"name": "甲队", "member_phones": ["13800000003"]}
    )
    unknown = post(owner_client, "/api/groups", {"name": "乙队", "member_phones": ["13911112222"]})

    assert registered.status_code == unknown.status_code == 201
    one, other = registered.json(), unknown.json()
    for body in (one, other):
        del body["id"], body["name"], body["invite_code"]
        for invitation in body["invitations"]:
            del invitation["phone_masked"]
    assert one == other
    assert "王奶奶" not in registered.content.decode()


def test_inviting_answers_the_same_for_registered_unknown_and_member_numbers(
    owner_client, choir, other_resident
):
    member = ResidentFactory(phone="13800000003")
    post(client_for(member), "/api/groups/join", {"code": choir.invite_code})
    answers = [
        post(owner_client, f"/api/groups/{choir.pk}/invitations", {"phones": [phone]})
        for phone in (other_resident.phone, "13911112222", member.phone)
    ]

    assert {a.status_code for a in answers} == {202}
    assert {a.content for a in answers} == {b'{"invited": 1}'}
    assert GroupInvitation.objects.filter(group=choir).count() == 3


def test_the_leader_sees_masked_numbers_and_only_members_who_accepted(
    owner_client, choir, other_resident
):
    post(owner_client, f"/api/groups/{choir.pk}/invitations", {"phones": [other_resident.phone]})

    [body] = owner_client.get("/api/groups/mine").json()

    assert [m["name"] for m in body["members"]] == ["张阿姨"]
    assert body["invitations"] == [
        {
            "phone_masked": "138****0002",
            "invited_at": "2026-09-30T02:00:00Z",
            "expires_at": "2026-10-30T02:00:00Z",
        }
    ]
    assert body["invite_code"] == choir.invite_code


def test_an_invited_resident_lists_accepts_and_then_appears(
    owner_client, other_client, choir, other_resident
):
    post(owner_client, f"/api/groups/{choir.pk}/invitations", {"phones": [other_resident.phone]})

    [invitation] = other_client.get("/api/groups/invitations").json()
    assert invitation["group_name"] == "五福合唱团"
    assert invitation["group_description"] == "每周三排练"

    response = post(other_client, f"/api/groups/invitations/{invitation['id']}/accept")

    assert response.status_code == 200
    body = response.json()
    assert body["my_role"] == "member"
    assert body["invite_code"] is None and body["invitations"] == []
    assert [m["name"] for m in body["members"]] == ["张阿姨", "李叔"]
    assert other_client.get("/api/groups/invitations").json() == []


def test_declining_is_204_and_the_leader_sees_no_difference(
    owner_client, other_client, choir, other_resident
):
    post(owner_client, f"/api/groups/{choir.pk}/invitations", {"phones": [other_resident.phone]})
    before = owner_client.get("/api/groups/mine").content
    [invitation] = other_client.get("/api/groups/invitations").json()

    response = post(other_client, f"/api/groups/invitations/{invitation['id']}/decline")

    assert response.status_code == 204
    assert owner_client.get("/api/groups/mine").content == before
    assert other_client.get("/api/groups/invitations").json() == []


def test_someone_elses_invitation_is_a_404(owner_client, other_client, choir):
    post(owner_client, f"/api/groups/{choir.pk}/invitations", {"phones": ["13911112222"]})
    invitation = GroupInvitation.objects.get()

    response = post(other_client, f"/api/groups/invitations/{invitation.pk}/accept")

    assert response.status_code == 404
    assert response.json()["code"] == "invitation_not_found"
    assert post(other_client, "/api/groups/invitations/999/decline").status_code == 404


def test_only_the_leader_invites(other_client, choir):
    response = post(
        other_client, f"/api/groups/{choir.pk}/invitations", {"phones": ["13911112222"]}
    )

    assert response.status_code == 403
    assert response.json()["code"] == "not_group_leader"
    assert not GroupInvitation.objects.exists()


def test_a_malformed_number_is_named_and_nothing_is_invited(owner_client, choir):
    response = post(
        owner_client, f"/api/groups/{choir.pk}/invitations", {"phones": ["13911112222", "12345"]}
    )

    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid_phone",
        "message": "以下号码不是有效的手机号：12345",
        "fields": {"members": ["以下号码不是有效的手机号：12345"]},
    }
    assert not GroupInvitation.objects.exists()


def test_invitations_are_throttled_with_retry_after(owner_client, owner, choir):
    group_invite(user=owner, group=choir, phones=[f"1390000{n:04d}" for n in range(200)])

    response = post(
        owner_client, f"/api/groups/{choir.pk}/invitations", {"phones": ["13911112222"]}
    )

    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert response.json()["code"] == "rate_limited"


def test_group_creation_is_throttled(owner_client):
    for n in range(5):
        assert post(owner_client, "/api/groups", {"name": f"小组{n}"}).status_code == 201

    response = post(owner_client, "/api/groups", {"name": "小组5"})

    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert Group.objects.count() == 5


def test_joining_with_a_code_and_resetting_it(owner_client, other_client, choir):
    wrong = post(other_client, "/api/groups/join", {"code": "ZZZZZZZZ"})
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "invite_code_invalid"

    joined = post(other_client, "/api/groups/join", {"code": choir.invite_code.lower()})
    assert joined.status_code == 200
    assert joined.json()["my_role"] == "member"

    assert post(other_client, f"/api/groups/{choir.pk}/invite-code").status_code == 403
    reset = post(owner_client, f"/api/groups/{choir.pk}/invite-code")
    assert reset.status_code == 200
    new_code = reset.json()["invite_code"]
    assert new_code != choir.invite_code
    choir.refresh_from_db()
    assert choir.invite_code == new_code


def test_group_endpoints_need_a_resident(anonymous, choir):
    assert post(anonymous, "/api/groups/join", {"code": choir.invite_code}).status_code == 401
    assert anonymous.get("/api/groups/invitations").status_code == 401
